# Image of the ztna publisher. docker/build-images packages the Maven modules first and
# builds it with the repository root as the build context.
ARG BASE_IMAGE=ztna/jre:17
FROM ${BASE_IMAGE}
ARG ZTNA_VERSION=0.1.0-SNAPSHOT

# The health check needs curl, which some public JRE images lack.
RUN if ! command -v curl >/dev/null; then \
      apt-get update && apt-get install -y --no-install-recommends curl \
      && rm -rf /var/lib/apt/lists/*; \
    fi \
    && useradd --uid 10001 --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin ztna \
    && mkdir -p /etc/ztna/certs \
    && chown ztna:ztna /etc/ztna/certs
COPY publisher/target/lib/ /opt/ztna/lib/
COPY publisher/target/publisher-${ZTNA_VERSION}.jar /opt/ztna/lib/
COPY docker/ztna-entrypoint /usr/local/bin/ztna-entrypoint

ENV ZTNA_MAIN_CLASS=io.ztna.publisher.PublisherCommand \
    ZTNA_ADMIN_PORT=9100
USER 10001:10001
WORKDIR /etc/ztna
HEALTHCHECK --interval=5s --timeout=3s --start-period=120s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${ZTNA_ADMIN_PORT}/readyz" || exit 1
ENTRYPOINT ["/usr/local/bin/ztna-entrypoint"]
CMD ["run", "--config", "/etc/ztna/publisher.yaml"]
