"""The MkDocs plugin: glue between MkDocs and the nianbao core. The only package that imports mkdocs."""
