# Image of the lab's demo apps: the web page on port 18080 and the TCP echo on port 18007,
# started by 'lab demo'. docker/build-images packages the Maven modules first and builds it with
# the repository root as the build context.
ARG BASE_IMAGE=ztna/jre:17
FROM ${BASE_IMAGE}
ARG ZTNA_VERSION=0.1.0-SNAPSHOT

# The health check needs curl, which some public JRE images lack.
RUN if ! command -v curl >/dev/null; then \
      apt-get update && apt-get install -y --no-install-recommends curl \
      && rm -rf /var/lib/apt/lists/*; \
    fi \
    && useradd --uid 10001 --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin ztna
COPY lab/target/lib/ /opt/ztna/lib/
COPY lab/target/lab-${ZTNA_VERSION}.jar /opt/ztna/lib/
COPY docker/ztna-entrypoint /usr/local/bin/ztna-entrypoint

ENV ZTNA_MAIN_CLASS=io.ztna.lab.LabCommand
USER 10001:10001
EXPOSE 18080 18007
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS -o /dev/null http://127.0.0.1:18080/ || exit 1
ENTRYPOINT ["/usr/local/bin/ztna-entrypoint"]
CMD ["demo", "--http", "0.0.0.0:18080", "--echo", "0.0.0.0:18007"]
