"""The dashboard's web server and its page (``static/``): served by ``jalur run`` and ``jalur dashboard``."""
