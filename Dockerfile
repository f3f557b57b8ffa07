FROM python:3.11-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir .
RUN useradd --system market && mkdir /data && chown market /data
USER market
EXPOSE 8000
