FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md ./
COPY gateway gateway
COPY models models
COPY community community
COPY marketplace marketplace
COPY schema schema
COPY resolvers resolvers
COPY migrations migrations
RUN pip install --no-cache-dir .
RUN useradd --create-home gridpoints && mkdir -p /app/media && chown gridpoints /app/media
USER gridpoints
EXPOSE 8000
CMD ["gridpoints", "serve", "--host", "0.0.0.0", "--port", "8000"]
