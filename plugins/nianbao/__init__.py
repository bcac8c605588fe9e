"""nianbao: 政府信息公开工作年度报告 as data — model, validator, renderer and importer.

The core (everything outside ``nianbao.mkdocs_plugin``) knows nothing of MkDocs.
"""

__version__ = "0.1.0"
