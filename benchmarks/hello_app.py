"""The physical limit of a Flask page on this machine: hello-world, served like the portal.

`benchmarks/pages_bench.py` runs it under gunicorn (``benchmarks.hello_app:app``) beside the portal.
"""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    """The smallest Flask page."""
    return "Hello, World!"
