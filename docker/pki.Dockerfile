# Image of the pki command line. By default it runs pki-issue-all, the one-shot job of the pki
# service in docker-compose.yml; 'docker run --rm ztna/pki pki --help' shows the command line.
# docker/build-images packages the Maven modules first and builds it with the repository root as
# the build context.
ARG BASE_IMAGE=ztna/jre:17
FROM ${BASE_IMAGE}
ARG ZTNA_VERSION=0.1.0-SNAPSHOT

# The volumes mounted on these folders start out with their owner and mode, so that only the
# ztna user (UID 10001, the same in every ztna image) can read the keys.
RUN useradd --uid 10001 --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin ztna \
    && for folder in ca client-agent client-gateway-1 client-gateway-2 publisher-gateway-1 \
        publisher-gateway-2 publisher-1 publisher-2; do \
      mkdir -p "/pki/$folder"; \
    done \
    && chown -R ztna:ztna /pki \
    && chmod -R 700 /pki
COPY common-proto/target/lib/ /opt/ztna/lib/
COPY common-proto/target/common-proto-${ZTNA_VERSION}.jar /opt/ztna/lib/
COPY docker/pki docker/pki-issue-all /usr/local/bin/

USER 10001:10001
WORKDIR /pki
CMD ["pki-issue-all"]
