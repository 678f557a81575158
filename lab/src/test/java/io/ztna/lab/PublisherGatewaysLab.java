package io.ztna.lab;

import io.ztna.proto.mux.TunnelOptions;
import io.ztna.proto.testing.TestPki;
import io.ztna.proto.tls.PeerRole;
import io.ztna.proto.tls.TlsConfig;
import io.ztna.publishergateway.PublisherGateway;
import io.ztna.publishergateway.PublisherGatewayConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Publisher gateways pg-1 to pg-N on 127.0.0.1, with certificates from one test CA, and the
 * config of a publisher pub-1 that lists them all. Tunnels ping every second and count as dead
 * after 3 s of silence.
 */
final class PublisherGatewaysLab implements AutoCloseable {

    static final TunnelOptions TUNNEL_OPTIONS =
            TunnelOptions.defaults().withKeepalive(1_000, 3_000);

    final TestPki pki;
    final List<PublisherGateway> gateways = new ArrayList<>();
    private final Path dir;

    PublisherGatewaysLab(Path dir, int count) throws Exception {
        this.dir = dir;
        this.pki = TestPki.create(dir);
        for (int i = 1; i <= count; i++) {
            TlsConfig tls = pki.workload(PeerRole.PUBLISHER_GATEWAY, "pg-" + i);
            gateways.add(new PublisherGateway(new PublisherGatewayConfig("pg-" + i,
                    new InetSocketAddress("127.0.0.1", 0), null, tls, TUNNEL_OPTIONS, 1))
                    .start());
        }
    }

    InetSocketAddress address(int index) {
        return gateways.get(index).localAddress();
    }

    /**
     * Writes the config of publisher pub-1: every gateway of this lab, a scope of
     * {@code *.corp.internal} and 127.0.0.1 on every TCP port, intranet.corp.internal mapped to
     * 127.0.0.1, and {@code extra} appended as it is.
     */
    Path publisherConfig(String extra) throws IOException {
        List<InetSocketAddress> addresses = new ArrayList<>();
        gateways.forEach(gateway -> addresses.add(gateway.localAddress()));
        return publisherConfig(addresses, extra);
    }

    /** Writes the config of publisher pub-1 as above, with these gateway addresses. */
    Path publisherConfig(List<InetSocketAddress> addresses, String extra) throws IOException {
        TlsConfig tls = pki.workload(PeerRole.PUBLISHER, "pub-1");
        StringBuilder text = new StringBuilder("gateways:\n");
        for (InetSocketAddress address : addresses) {
            text.append("  - 127.0.0.1:").append(address.getPort()).append('\n');
        }
        text.append("tls:\n")
                .append("  certificate: ").append(tls.certificateChainFile()).append('\n')
                .append("  privateKey: ").append(tls.privateKeyFile()).append('\n')
                .append("  ca: ").append(tls.caFile()).append('\n')
                .append("  trustDomain: ").append(tls.trustDomain()).append('\n')
                .append("tunnel:\n")
                .append("  pingInterval: 1s\n")
                .append("  deadPeerTimeout: 3s\n")
                .append("reconnect:\n")
                .append("  initialDelay: 100ms\n")
                .append("  maxDelay: 1s\n")
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

    @Override
    public void close() {
        for (PublisherGateway gateway : gateways) {
            gateway.close();
        }
    }
}
