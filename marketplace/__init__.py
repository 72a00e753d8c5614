"""Mercado Retorno. The app is built by `marketplace.app.create_app`; the layers are in docs/architecture.md."""
