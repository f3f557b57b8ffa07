FROM python:3.11-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir .
RUN useradd --system market && mkdir /data /keys && chown market /data /keys
USER market
EXPOSE 8000
