# Jalur, the mentor bot: `jalur run` as a non-root user.
# Build: docker build -t jalur .      Run with PostgreSQL: docker compose up (see compose.yaml)

# --- build: install Jalur and its dependencies into a virtualenv -------------------
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/jalur
COPY pyproject.toml README.md requirements.lock ./
COPY bot ./bot
COPY adapters ./adapters
COPY knowledge ./knowledge
# Every dependency at the version requirements.lock pins (pip-compile's output), so two builds
# install the same thing. Bytecode is compiled here, once: with PYTHONDONTWRITEBYTECODE at run
# time, a process would otherwise compile every module it imports on each start.
RUN /opt/jalur/bin/pip install --constraint requirements.lock .

# --- runtime: the virtualenv only, no compilers, no sources --------------------------
FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/jalur/bin:$PATH \
    JALUR_DATABASE_URL=sqlite+aiosqlite:////data/jalur.db \
    JALUR_METRICS_LISTEN=0.0.0.0 \
    JALUR_METRICS_PORT=9108 \
    JALUR_WEB_LISTEN=0.0.0.0 \
    JALUR_TELEGRAM_LISTEN=0.0.0.0 \
    JALUR_TELEGRAM_PORT=8443 \
    JALUR_LOG_FORMAT=json
RUN groupadd --gid 10001 jalur \
    && useradd --create-home --uid 10001 --gid 10001 jalur \
    && mkdir /data \
    && chown 10001:10001 /data
COPY --from=build /opt/jalur /opt/jalur
USER 10001:10001
WORKDIR /home/jalur
VOLUME ["/data"]
# /metrics, /healthz, /readyz; the dashboard (served when JALUR_WEB_URL is set); the Telegram webhook
EXPOSE 9108 8080 8443
# `jalur run`: asks /healthz; `jalur chat`, `jalur db upgrade` or JALUR_METRICS_PORT=0: nothing to ask
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["jalur", "health", "--container"]
# SIGTERM: finish the messages and pushes in flight, then exit (JALUR_SHUTDOWN_GRACE, 30 s)
STOPSIGNAL SIGTERM
CMD ["jalur", "run"]
