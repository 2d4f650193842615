"""Entry point: ``flask --app app run`` or ``python app.py`` from the repository root."""

from hgq import create_app

app = create_app()

if __name__ == "__main__":
    app.run()
