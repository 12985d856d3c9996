"""``phiguard lsp``: a language server over stdio for editors (the ``phiguard[lsp]`` extra: pygls). The
server is :mod:`phiguard.lsp.server`; docs/editors.md sets it up in VS Code, Neovim and Helix."""
