package io.ztna.publisher;

import io.ztna.proto.tls.TlsConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes publisher config files for tests, naming the TLS files of a test CA. */
final class PublisherFiles {

    private PublisherFiles() {
    }

    /**
     * Writes {@code publisher.yaml} into {@code dir} with the gateways, a scope of
     * {@code *.corp.internal} and 127.0.0.1 on every TCP port, intranet.corp.internal mapped to
     * 127.0.0.1, a 1 s keepalive, and {@code extra} appended as it is.
     */
    static Path write(Path dir, TlsConfig tls, List<InetSocketAddress> gateways, String extra)
            throws IOException {
        StringBuilder text = new StringBuilder("gateways:\n");
        for (InetSocketAddress gateway : gateways) {
            text.append("  - 127.0.0.1:").append(gateway.getPort()).append('\n');
        }
        text.append("tls:\n")
                .append("  certificate: ").append(tls.certificateChainFile()).append('\n')
                .append("  privateKey: ").append(tls.privateKeyFile()).append('\n')
                .append("  ca: ").append(tls.caFile()).append('\n')
                .append("  trustDomain: ").append(tls.trustDomain()).append('\n')
                .append("tunnel:\n")
                .append("  pingInterval: 1s\n")
                .append("  deadPeerTimeout: 3s\n")
                .append("scope:\n")
                .append("  - hosts: [\"*.corp.internal\", 127.0.0.1]\n")
                .append("    protocols: [tcp:1-65535]\n")
                .append("hosts:\n")
                .append("  intranet.corp.internal: 127.0.0.1\n")
                .append("systemResolver: false\n")
                .append("threads: 2\n")
                .append(extra);
        Path file = dir.resolve("publisher.yaml");
        Files.writeString(file, text.toString());
        return file;
    }
}
