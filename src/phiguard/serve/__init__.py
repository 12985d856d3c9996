"""``phiguard serve``: phiguard as an HTTP JSON API for CMSs, schedulers and web forms that cannot import
Python (the ``phiguard[serve]`` extra: FastAPI on uvicorn). The app is :func:`phiguard.serve.app.create_app`;
the command is :mod:`phiguard.cli.commands.serve`; docs/serve.md documents the API."""
