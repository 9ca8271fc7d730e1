# syntax=docker/dockerfile:1
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY reminder_service ./reminder_service
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --system --uid 10001 --home-dir /app reminder
WORKDIR /app
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
COPY templates ./templates
COPY config ./config
RUN mkdir -p /app/data && chown reminder /app/data
USER reminder
ENV REMINDER_CONFIG=/app/config/program.yaml \
    REMINDER_TEMPLATES_DIR=/app/templates \
    REMINDER_DATABASE=/app/data/reminders.sqlite3 \
    PYTHONUNBUFFERED=1
VOLUME ["/app/config", "/app/data"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["reminder-service"]
CMD ["run"]
