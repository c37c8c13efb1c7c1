# Jalur: the mentor bot. Runs `jalur run` as a non-root user; data in /data.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY knowledge ./knowledge
RUN pip install . && rm -rf /src

RUN useradd --create-home --uid 10001 jalur && mkdir /data && chown jalur:jalur /data
USER jalur
WORKDIR /home/jalur
ENV JALUR_DATABASE_URL=sqlite+aiosqlite:////data/jalur.db
VOLUME ["/data"]

CMD ["jalur", "run"]
