"""The demo park: each app contributes its own loader (`hetao.<app>.demo`); this package runs them in order.

It sits above every app (see the layers in pyproject.toml), so no app has to import a higher one to be demoed."""
