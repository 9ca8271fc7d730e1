# syntax=docker/dockerfile:1
# reminder-service: the daemon in a slim image, running as an unprivileged user.
#   docker build -t reminder-service .
# Volumes: /app/config (the program YAML), /app/custom-templates (edited templates; any
# template missing there comes from the built-in set installed with the package), /app/data.

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/reminder-service
WORKDIR /src
COPY pyproject.toml README.md ./
COPY reminder_service ./reminder_service
COPY templates ./templates
RUN /opt/reminder-service/bin/pip install --no-cache-dir .

FROM python:3.11-slim AS runtime
LABEL org.opencontainers.image.title="reminder-service" \
      org.opencontainers.image.description="Email check-ins that keep mentoring pairs meeting" \
      org.opencontainers.image.licenses="GPL-3.0-or-later"
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/reminder-service/bin:$PATH
RUN groupadd --system --gid 10001 reminder \
    && useradd --system --uid 10001 --gid reminder --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin reminder
# A virtual environment copied whole: COPY is keyed on content by every builder, so a code
# change always reaches the image (a RUN --mount from the build stage is not, under buildah).
COPY --from=build /opt/reminder-service /opt/reminder-service
WORKDIR /app
COPY config ./config
# The built-in templates come with the package (share/reminder-service/templates).
RUN mkdir -p /app/custom-templates /app/data \
    && chown reminder:reminder /app/data \
    && chmod 0700 /app/data
ENV REMINDER_CONFIG=/app/config/program.yaml \
    REMINDER_TEMPLATES_DIR=/app/custom-templates \
    REMINDER_DATABASE=/app/data/reminders.sqlite3 \
    REMINDER_HTTP__HOST=0.0.0.0 \
    REMINDER_HTTP__PORT=8080
VOLUME ["/app/config", "/app/custom-templates", "/app/data"]
EXPOSE 8080
USER 10001:10001
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('REMINDER_HTTP__PORT', '8080'), timeout=4)"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["reminder-service"]
CMD ["run"]
