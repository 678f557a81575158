package io.ztna.lab;

import io.ztna.proto.pki.CertificateAuthority;
import io.ztna.proto.pki.CrlFile;
import io.ztna.proto.pki.LeafRequest;
import io.ztna.proto.tls.PeerRole;
import io.ztna.proto.tls.SpiffeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Writes everything the lab's daemons need into the state folder: a CA, one certificate per
 * daemon, one YAML config per daemon that names those files relative to itself, and the
 * client gateway's policy and directory files.
 *
 * <p>The HA lab adds a second daemon of each gateway kind and a second publisher, each config
 * named like the first with {@code -2} appended ({@code client-gateway-2.yaml}). Every
 * publisher and client gateway lists both publisher gateways, the agent lists both client
 * gateways, and the policy assigns every app to both publishers.
 */
final class LabState {

    static final String TRUST_DOMAIN = "ztna.lab";
    static final String USER = "alice@example.com";
    /** A user without a certificate in the lab, for {@code policy explain} examples. */
    static final String SECOND_USER = "bob@example.com";
    static final String DEVICE = "laptop-1";

    private final Path dir;
    private final LabPorts ports;
    private final List<Forward> forwards;
    private final boolean uncoveredDirect;
    private int threads;
    private String clientGatewayHost = "127.0.0.1";
    private int httpProxyPort = -1;
    private int dnsPort = -1;
    private String captureMode;
    private int captureListenPort;
    private boolean ha;

    /**
     * @param uncoveredDirect whether the agent connects destinations its steering policy does
     *     not cover directly (the product default) or rejects them
     */
    LabState(Path dir, LabPorts ports, List<Forward> forwards, boolean uncoveredDirect) {
        this.dir = dir;
        this.ports = ports;
        this.forwards = forwards;
        this.uncoveredDirect = uncoveredDirect;
    }

    /** Sets the event loop threads of every daemon; 0 keeps Netty's default of two per core. */
    LabState threads(int threads) {
        this.threads = threads;
        return this;
    }

    /**
     * Sets the address the client gateway listens on and the agent dials, 127.0.0.1 unless
     * set. A test that runs the agent in a network namespace sets its veth peer's address.
     */
    LabState clientGatewayHost(String host) {
        this.clientGatewayHost = host;
        return this;
    }

    /**
     * Gives the agent a DNS server on 127.0.0.1 and {@code port}, UDP and TCP; 0 picks a port.
     * Names no steered app covers go to the nameservers of /etc/resolv.conf.
     */
    LabState dnsPort(int port) {
        this.dnsPort = port;
        return this;
    }

    /** Gives the agent an HTTP CONNECT proxy on 127.0.0.1 and {@code port}; 0 picks a port. */
    LabState httpProxyPort(int port) {
        this.httpProxyPort = port;
        return this;
    }

    /**
     * Turns on the agent's transparent capture with {@code mode} (nft or iptables), listening
     * on 127.0.0.1 and {@code listenPort}, with the stub range 100.64.0.0/10.
     */
    LabState capture(String mode, int listenPort) {
        this.captureMode = mode;
        this.captureListenPort = listenPort;
        return this;
    }

    /** Selects the HA lab: two client gateways, two publisher gateways, two publishers. */
    LabState ha(boolean ha) {
        this.ha = ha;
        return this;
    }

    boolean ha() {
        return ha;
    }

    Path dir() {
        return dir;
    }

    Path config(String daemon) {
        return dir.resolve(daemon + ".yaml");
    }

    /** Creates the CA and certificates on first use; rewrites the configs every time. */
    void write() throws IOException {
        Files.createDirectories(dir.resolve("certs"));
        writeCertificates();
        Files.writeString(config("publisher-gateway"), publisherGatewayConfig(
                "publisher-gateway", ports.publisherGateway(), ports.publisherGatewayAdmin()));
        Files.writeString(config("publisher"),
                publisherConfig("publisher", ports.publisherAdmin()));
        Files.writeString(config("client-gateway"), clientGatewayConfig(
                "client-gateway", ports.clientGateway(), ports.clientGatewayAdmin()));
        if (ha) {
            Files.writeString(config("publisher-gateway-2"), publisherGatewayConfig(
                    "publisher-gateway-2", ports.publisherGateway2(),
                    ports.publisherGateway2Admin()));
            Files.writeString(config("publisher-2"),
                    publisherConfig("publisher-2", ports.publisher2Admin()));
            Files.writeString(config("client-gateway-2"), clientGatewayConfig(
                    "client-gateway-2", ports.clientGateway2(), ports.clientGateway2Admin()));
        }
        Files.writeString(config("directory"), directoryConfig());
        Files.writeString(config("policy"), policyConfig());
        Files.writeString(config("client-agent"), agentConfig());
    }

    private void writeCertificates() throws IOException {
        Path certs = dir.resolve("certs");
        Path caFile = certs.resolve("ca.pem");
        Path caKey = certs.resolve("ca-key.pem");
        CertificateAuthority ca;
        if (Files.exists(caFile) && Files.exists(caKey)) {
            ca = CertificateAuthority.load(caFile, caKey);
        } else {
            ca = CertificateAuthority.create(TRUST_DOMAIN);
            ca.write(caFile, caKey);
        }
        CrlFile crl = new CrlFile(certs.resolve("crl.pem"), ca);
        if (crl.read().isEmpty()) {
            crl.create(Duration.ofDays(7));
        }
        issue(ca, SpiffeId.workload(TRUST_DOMAIN, PeerRole.PUBLISHER_GATEWAY, "pg-1"),
                "publisher-gateway");
        issue(ca, SpiffeId.workload(TRUST_DOMAIN, PeerRole.CLIENT_GATEWAY, "cg-1"),
                "client-gateway");
        issue(ca, SpiffeId.workload(TRUST_DOMAIN, PeerRole.PUBLISHER, "pub-1"), "publisher");
        issue(ca, SpiffeId.user(TRUST_DOMAIN, USER, DEVICE), "client-agent");
        if (ha) {
            issue(ca, SpiffeId.workload(TRUST_DOMAIN, PeerRole.PUBLISHER_GATEWAY, "pg-2"),
                    "publisher-gateway-2");
            issue(ca, SpiffeId.workload(TRUST_DOMAIN, PeerRole.CLIENT_GATEWAY, "cg-2"),
                    "client-gateway-2");
            issue(ca, SpiffeId.workload(TRUST_DOMAIN, PeerRole.PUBLISHER, "pub-2"),
                    "publisher-2");
        }
    }

    private void issue(CertificateAuthority ca, SpiffeId id, String name) throws IOException {
        Path certs = dir.resolve("certs");
        ca.issue(LeafRequest.builder(id).build())
                .write(certs.resolve(name + ".pem"), certs.resolve(name + "-key.pem"));
    }

    private String tls(String name) {
        return (threads > 0 ? "threads: " + threads + "\n" : "")
                + "tls:\n"
                + "  certificate: certs/" + name + ".pem\n"
                + "  privateKey: certs/" + name + "-key.pem\n"
                + "  ca: certs/ca.pem\n"
                + "  trustDomain: " + TRUST_DOMAIN + "\n"
                + "  crl: certs/crl.pem\n"
                + "tunnel:\n"
                + "  pingInterval: 1s\n"
                + "  deadPeerTimeout: 3s\n"
                + "  openTimeout: 10s\n"
                + "  drainTimeout: 5s\n";
    }

    /** Returns the YAML list of the publisher gateways: pg-1, and pg-2 in the HA lab. */
    private String publisherGatewayList() {
        return "  - 127.0.0.1:" + ports.publisherGateway() + "\n"
                + (ha ? "  - 127.0.0.1:" + ports.publisherGateway2() + "\n" : "");
    }

    private String publisherGatewayConfig(String name, int listen, int admin) {
        return "# Publisher gateway of the lab: publishers and client gateways connect here.\n"
                + "listen: 127.0.0.1:" + listen + "\n"
                + "admin: 127.0.0.1:" + admin + "\n"
                + tls(name);
    }

    private String publisherConfig(String name, int admin) {
        return "# Publisher of the lab: dials out to the publisher gateway"
                + (ha ? "s" : "") + " and serves the demo apps.\n"
                + "gateways:\n"
                + publisherGatewayList()
                + "admin: 127.0.0.1:" + admin + "\n"
                + tls(name)
                + "connectTimeout: 5s\n"
                + "scope:\n"
                + "  - hosts: [\"*.corp.internal\", host.lab.internal, 127.0.0.1]\n"
                + "    protocols: [tcp:1-65535]\n"
                + "hosts:\n"
                + "  intranet.corp.internal: 127.0.0.1\n"
                + "  ssh.corp.internal: 127.0.0.1\n"
                + "  host.lab.internal: 127.0.0.1\n"
                + "systemResolver: false\n";
    }

    private String clientGatewayConfig(String name, int listen, int admin) {
        return "# Client gateway of the lab: agents connect here; it decides every flow.\n"
                + "listen: " + clientGatewayHost + ":" + listen + "\n"
                + "admin: 127.0.0.1:" + admin + "\n"
                + "publisherGateways:\n"
                + publisherGatewayList()
                + "policy: policy.yaml\n"
                + tls(name);
    }

    /** Returns the lab's directory file: the lab user and a second user for examples. */
    private static String directoryConfig() {
        return "# Lab directory: the users the lab policy names, with groups and unit.\n"
                + "users:\n"
                + "  - id: " + USER + "\n"
                + "    groups: [engineering]\n"
                + "    ou: /corp/eng/platform\n"
                + "  - id: " + SECOND_USER + "\n"
                + "    groups: [contractors]\n"
                + "    ou: /corp/sales\n";
    }

    /**
     * Returns the lab policy. The lab user may reach the intranet, host.lab.internal and the
     * corp-web wildcard app, and is blocked from ssh although an allow rule lists it. Its test
     * cases make {@code bin/client-gateway policy check} pass on the state folder. In the HA
     * lab both publishers serve every app.
     */
    private String policyConfig() {
        int http = ports.demoHttp();
        String publishers = ha ? "[pub-1, pub-2]" : "[pub-1]";
        return "# Lab policy: " + USER + " may reach the intranet, corp-web and\n"
                + "# host.lab.internal, not ssh. Users are in directory.yaml.\n"
                + "directory: directory.yaml\n"
                + "apps:\n"
                + "  - name: intranet\n"
                + "    hosts: [intranet.corp.internal]\n"
                + "    protocols: [tcp:" + http + "]\n"
                + "    publishers: " + publishers + "\n"
                + "  - name: corp-web\n"
                + "    hosts: [\"*.corp.internal\"]\n"
                + "    protocols: [tcp:18080-18089]\n"
                + "    publishers: " + publishers + "\n"
                + "  - name: lab-hosts\n"
                + "    hosts: [host.lab.internal]\n"
                + "    protocols: [tcp:18000-18999]\n"
                + "    publishers: " + publishers + "\n"
                + "  - name: ssh\n"
                + "    hosts: [ssh.corp.internal]\n"
                + "    protocols: [tcp:22]\n"
                + "    publishers: " + publishers + "\n"
                + "rules:\n"
                + "  - name: engineering-apps\n"
                + "    action: allow\n"
                + "    groups: [engineering]\n"
                + "    apps: [intranet, lab-hosts, ssh]\n"
                + "  - name: eng-web\n"
                + "    action: allow\n"
                + "    ous: [/corp/eng]\n"
                + "    apps: [corp-web]\n"
                + "  - name: contractors-intranet\n"
                + "    action: allow\n"
                + "    groups: [contractors]\n"
                + "    apps: [intranet]\n"
                + "    posture: {firewall: true}\n"
                + "  - name: no-ssh\n"
                + "    action: block\n"
                + "    everyone: true\n"
                + "    apps: [ssh]\n"
                + "    notify: true\n"
                + "tests:\n"
                + testCase(USER, "intranet.corp.internal", http, "allow", null)
                + testCase(USER, "wiki.corp.internal", 18081, "allow", null)
                + testCase(USER, "host.lab.internal", 18500, "allow", null)
                + testCase(USER, "ssh.corp.internal", 22, "block", null)
                + testCase(SECOND_USER, "intranet.corp.internal", http, "allow", "pass")
                + testCase(SECOND_USER, "intranet.corp.internal", http, "block", "fail")
                + testCase(SECOND_USER, "wiki.corp.internal", 18081, "block", null)
                + testCase("mallory@example.com", "intranet.corp.internal", http, "block",
                        null);
    }

    /**
     * Returns one test case of the policy file.
     *
     * @param firewall the firewall check the device reports, or null to leave posture out
     */
    private static String testCase(String user, String host, int port, String expect,
            String firewall) {
        return "  - user: " + user + "\n"
                + "    host: " + host + "\n"
                + "    port: " + port + "\n"
                + "    expect: " + expect + "\n"
                + (firewall == null ? "" : "    posture: {firewall: " + firewall + "}\n");
    }

    private String agentConfig() {
        StringBuilder text = new StringBuilder()
                .append("# Client agent of the lab, running as ").append(USER).append(".\n")
                .append("gateways:\n")
                .append("  - ").append(clientGatewayHost).append(":")
                .append(ports.clientGateway()).append("\n");
        if (ha) {
            text.append("  - ").append(clientGatewayHost).append(":")
                    .append(ports.clientGateway2()).append("\n");
        }
        text.append("admin: 127.0.0.1:").append(ports.agentAdmin()).append("\n")
                .append(tls("client-agent"))
                .append("socks: 127.0.0.1:").append(ports.socks()).append("\n")
                .append("uncovered: ").append(uncoveredDirect ? "direct" : "reject").append("\n");
        if (httpProxyPort >= 0) {
            text.append("httpProxy: 127.0.0.1:").append(httpProxyPort).append("\n");
        }
        if (dnsPort >= 0) {
            text.append("dns:\n  listen: 127.0.0.1:").append(dnsPort).append("\n");
        }
        if (captureMode != null) {
            text.append("capture:\n")
                    .append("  mode: ").append(captureMode).append("\n")
                    .append("  listen: 127.0.0.1:").append(captureListenPort).append("\n")
                    .append("  stubRanges: [100.64.0.0/10]\n");
        }
        if (!forwards.isEmpty()) {
            text.append("forwards:\n");
            for (Forward forward : forwards) {
                String host = forward.host().indexOf(':') >= 0
                        ? "[" + forward.host() + "]" : forward.host();
                text.append("  - listen: 127.0.0.1:").append(forward.localPort()).append("\n")
                        .append("    to: ").append(host).append(":").append(forward.port())
                        .append("\n");
            }
        }
        return text.toString();
    }
}
