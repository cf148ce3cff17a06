# Two stages: Node builds the web app (its codegen reads schema.graphql), and only web/dist
# reaches the Python runtime image, which serves it at / beside the API.
FROM node:20-slim AS web
WORKDIR /src
COPY schema.graphql ./
COPY web/package.json web/package-lock.json web/.npmrc web/
RUN npm --prefix web ci --no-audit --no-fund
COPY web web
RUN npm --prefix web run build

FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    GRIDPOINTS_WEB_DIST=/app/web/dist GRIDPOINTS_WEB_BUILD=false
COPY pyproject.toml README.md ./
COPY gateway gateway
COPY models models
COPY community community
COPY marketplace marketplace
COPY schema schema
COPY resolvers resolvers
COPY migrations migrations
RUN pip install --no-cache-dir .
COPY --from=web /src/web/dist web/dist
RUN useradd --create-home gridpoints && mkdir -p /app/media && chown gridpoints /app/media
USER gridpoints
EXPOSE 8000
CMD ["gridpoints", "serve", "--host", "0.0.0.0", "--port", "8000"]
