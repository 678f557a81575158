package io.ztna.agent.dns;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.ztna.proto.config.HostAndPort;
import io.ztna.proto.control.DnsAnswerMessage;
import io.ztna.proto.policy.SteeringPolicy;
import io.ztna.proto.testing.LeakCheck;
import io.ztna.proto.testing.ManualClock;
import io.ztna.proto.transport.Transports;
import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DNS server queried with the real {@code dig}, forwarding to a {@link TestUpstream} on
 * loopback and resolving publisher DNS apps through a fake {@link PublisherDns}.
 */
@ExtendWith(LeakCheck.class)
class DnsServerTest {

    private static final Duration IDLE = Duration.ofMinutes(10);
    private static final SteeringPolicy POLICY = new SteeringPolicy(1, List.of(
            AppNamesTest.app("intranet", false, List.of("intranet.corp.internal"), "tcp:443"),
            AppNamesTest.app("apps", false, List.of("*.apps.corp.internal"), "tcp:80"),
            AppNamesTest.app("pub", true, List.of("*.pub.internal", "10.9.0.0/16"),
                    "tcp:443")),
            List.of(AppNamesTest.blocked("ssh", List.of("ssh.corp.internal"), "tcp:22")));

    private static EventLoopGroup group;

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-05T10:00:00Z"));
    private final FakePublisherDns publisher = new FakePublisherDns();
    private final List<DnsServer> servers = new ArrayList<>();
    private TestUpstream upstream;

    @BeforeAll
    static void startGroup() {
        group = Transports.newGroup(2);
    }

    @AfterAll
    static void stopGroup() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void startUpstream() throws Exception {
        Dig.requireDig();
        upstream = new TestUpstream().start(group);
    }

    @AfterEach
    void stopAll() {
        servers.forEach(DnsServer::close);
        if (upstream != null) {
            upstream.close();
        }
    }

    private DnsServer start(String stubRange, String stubRange6, Duration upstreamTimeout,
            InetSocketAddress... upstreams) throws Exception {
        List<HostAndPort> upstreamList = Arrays.stream(upstreams)
                .map(address -> new HostAndPort(address.getHostString(), address.getPort()))
                .toList();
        DnsSection settings = new DnsSection(HostAndPort.parse("127.0.0.1:0", true),
                upstreamList, StubRange.parse(stubRange),
                stubRange6 == null ? null : StubRange.parse(stubRange6), Duration.ofSeconds(5),
                IDLE, dir.resolve("dns-mappings.json"), upstreamTimeout);
        DnsServer server = new DnsServer(group, settings, () -> POLICY, publisher, clock,
                dir.resolve("no-resolv.conf")).start();
        servers.add(server);
        return server;
    }

    private DnsServer start() throws Exception {
        return start("100.64.0.0/10", null, Duration.ofSeconds(1), upstream.address());
    }

    private static int port(DnsServer server) {
        return server.localAddress().getPort();
    }

    @Test
    void appNameGetsStubAddress() throws Exception {
        DnsServer server = start();

        Dig.Result first = Dig.query(port(server), "intranet.corp.internal", "A");
        Dig.Result second = Dig.query(port(server), "INTRANET.Corp.Internal.", "A");

        assertThat(first.status()).isEqualTo("NOERROR");
        assertThat(first.answers()).containsExactly(
                new Dig.Answer("intranet.corp.internal.", 5, "A", "100.64.0.1"));
        assertThat(second.status()).isEqualTo("NOERROR");
        assertThat(second.data()).containsExactly("100.64.0.1");
        assertThat(upstream.udpQueries()).isZero();
    }

    @Test
    void wildcardAppNameGetsStubAddress() throws Exception {
        DnsServer server = start();

        Dig.Result db = Dig.query(port(server), "db.apps.corp.internal", "A");
        Dig.Result web = Dig.query(port(server), "web.eu.apps.corp.internal", "A");
        Dig.Result dbAgain = Dig.query(port(server), "db.apps.corp.internal", "A");

        assertThat(db.data()).containsExactly("100.64.0.1");
        assertThat(web.data()).containsExactly("100.64.0.2");
        assertThat(dbAgain.data()).containsExactly("100.64.0.1");
        assertThat(upstream.udpQueries()).isZero();
    }

    @Test
    void otherNameForwardedUpstream() throws Exception {
        upstream.addA("www.example.test", "192.0.2.10");
        DnsServer server = start();

        Dig.Result result = Dig.query(port(server), "www.example.test", "A");

        assertThat(result.status()).isEqualTo("NOERROR");
        assertThat(result.answers()).containsExactly(
                new Dig.Answer("www.example.test.", TestUpstream.TTL, "A", "192.0.2.10"));
        assertThat(upstream.udpQueries()).isEqualTo(1);
        assertThat(upstream.queriesWithOpt()).isEqualTo(1);
    }

    @Test
    void blockedAndUnknownNamesForwarded() throws Exception {
        upstream.addA("ssh.corp.internal", "192.0.2.22");
        DnsServer server = start();

        Dig.Result blocked = Dig.query(port(server), "ssh.corp.internal", "A");
        Dig.Result unknown = Dig.query(port(server), "nothing.example.test", "A");

        assertThat(blocked.data()).containsExactly("192.0.2.22");
        assertThat(unknown.status()).isEqualTo("NXDOMAIN");
        assertThat(upstream.udpQueries()).isEqualTo(2);
    }

    @Test
    void forwardedQueryGetsFreshId() throws Exception {
        upstream.addA("www.example.test", "192.0.2.10");
        DnsServer server = start();

        byte[] answer = exchange(server, DnsMessages.query(0x1234, DnsPackets.FLAG_RD, 1,
                "www.example.test", 1));

        assertThat(upstream.lastId()).isNotEqualTo(0x1234).isNotEqualTo(-1);
        assertThat(DnsPackets.id(answer)).isEqualTo(0x1234);
        assertThat(DnsPackets.u16(answer, 6)).isEqualTo(1);
    }

    @Test
    void aaaaWithoutIpv6RangeHasNoData() throws Exception {
        DnsServer server = start();

        Dig.Result result = Dig.query(port(server), "intranet.corp.internal", "AAAA");

        assertThat(result.status()).isEqualTo("NOERROR");
        assertThat(result.answers()).isEmpty();
        assertThat(upstream.udpQueries()).isZero();
    }

    @Test
    void aaaaWithIpv6RangeGetsStub() throws Exception {
        DnsServer server = start("100.64.0.0/10", "fd7a:ffff:ffff::/96", Duration.ofSeconds(1),
                upstream.address());

        Dig.Result six = Dig.query(port(server), "intranet.corp.internal", "AAAA");
        Dig.Result four = Dig.query(port(server), "intranet.corp.internal", "A");

        assertThat(six.answers()).containsExactly(
                new Dig.Answer("intranet.corp.internal.", 5, "AAAA", "fd7a:ffff:ffff::1"));
        assertThat(four.data()).containsExactly("100.64.0.1");
        assertThat(server.stubLookup().hostFor(InetAddress.getByName("fd7a:ffff:ffff::1")))
                .isEqualTo("intranet.corp.internal");
    }

    @Test
    void txtForAppNameHasNoData() throws Exception {
        DnsServer server = start();

        Dig.Result txt = Dig.query(port(server), "intranet.corp.internal", "TXT");
        Dig.Result srv = Dig.query(port(server), "db.apps.corp.internal", "SRV");

        assertThat(txt.status()).isEqualTo("NOERROR");
        assertThat(txt.answers()).isEmpty();
        assertThat(srv.status()).isEqualTo("NOERROR");
        assertThat(srv.answers()).isEmpty();
        assertThat(upstream.udpQueries()).isZero();
    }

    @Test
    void otherClassForAppNameRefused() throws Exception {
        DnsServer server = start();

        Dig.Result steered = Dig.query(port(server), "intranet.corp.internal", "TXT",
                Dig.DnsClass.CH);
        Dig.Result wildcard = Dig.query(port(server), "db.apps.corp.internal", "A",
                Dig.DnsClass.HS);
        Dig.Result publisherDns = Dig.query(port(server), "wiki.pub.internal", "A",
                Dig.DnsClass.CH);

        assertThat(steered.status()).isEqualTo("REFUSED");
        assertThat(steered.answers()).isEmpty();
        assertThat(wildcard.status()).isEqualTo("REFUSED");
        assertThat(publisherDns.status()).isEqualTo("REFUSED");
        assertThat(upstream.udpQueries()).isZero();
        assertThat(upstream.tcpQueries()).isZero();
    }

    @Test
    void otherClassForOtherNameForwarded() throws Exception {
        DnsServer server = start();

        Dig.query(port(server), "version.example.test", "TXT", Dig.DnsClass.CH);

        assertThat(upstream.udpQueries()).isEqualTo(1);
    }

    @Test
    void ptrForStubAddressNamesApp() throws Exception {
        DnsServer server = start();
        Dig.query(port(server), "intranet.corp.internal", "A");

        Dig.Result result = Dig.reverse(port(server), "100.64.0.1");

        assertThat(result.status()).isEqualTo("NOERROR");
        assertThat(result.answers()).containsExactly(new Dig.Answer(
                "1.0.64.100.in-addr.arpa.", 5, "PTR", "intranet.corp.internal."));
        assertThat(upstream.udpQueries()).isZero();
    }

    @Test
    void ptrForOtherAddressForwarded() throws Exception {
        DnsServer server = start();

        Dig.Result result = Dig.reverse(port(server), "192.0.2.10");

        assertThat(result.status()).isEqualTo("NXDOMAIN");
        assertThat(upstream.udpQueries()).isEqualTo(1);
    }

    @Test
    void truncatedUpstreamAnswerRetriedOverTcp() throws Exception {
        String[] addresses = new String[30];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = "192.0.2." + (i + 1);
        }
        upstream.addA("big.example.test", addresses).truncateOverUdp("big.example.test");
        DnsServer server = start();

        // +ignore keeps dig from retrying over TCP itself, so the full answer must come back
        // over UDP from the server.
        Dig.Result result = Dig.query(port(server), "big.example.test", "A", "+ignore");

        assertThat(result.status()).isEqualTo("NOERROR");
        assertThat(result.flags()).doesNotContain("tc");
        assertThat(result.answers()).hasSize(30);
        assertThat(result.data()).containsExactlyInAnyOrder(addresses);
        assertThat(upstream.udpQueries()).isEqualTo(1);
        assertThat(upstream.tcpQueries()).isEqualTo(1);
    }

    @Test
    void largeAnswerTruncatedForClassicClient() throws Exception {
        String[] addresses = new String[30];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = "192.0.2." + (i + 1);
        }
        upstream.addA("big.example.test", addresses).truncateOverUdp("big.example.test");
        DnsServer server = start();

        // Without EDNS a client takes at most 512 bytes over UDP, and the 30 records that
        // Netty's encoder writes without name compression take 994.
        Dig.Result udp = Dig.query(port(server), "big.example.test", "A", "+ignore",
                "+noedns");
        Dig.Result retried = Dig.query(port(server), "big.example.test", "A", "+noedns");

        assertThat(udp.status()).isEqualTo("NOERROR");
        assertThat(udp.flags()).contains("tc");
        assertThat(udp.answers()).isEmpty();
        assertThat(retried.flags()).doesNotContain("tc");
        assertThat(retried.answers()).hasSize(30);
    }

    @Test
    void upstreamDownGivesServfail() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            DnsServer server = start("100.64.0.0/10", null, Duration.ofMillis(300),
                    (InetSocketAddress) silent.getLocalSocketAddress());

            Dig.Result result = Dig.query(port(server), "www.example.test", "A");

            assertThat(result.status()).isEqualTo("SERVFAIL");
            assertThat(result.answers()).isEmpty();
        }
    }

    @Test
    void nextUpstreamTriedAfterTimeout() throws Exception {
        upstream.addA("www.example.test", "192.0.2.10");
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            DnsServer server = start("100.64.0.0/10", null, Duration.ofMillis(300),
                    (InetSocketAddress) silent.getLocalSocketAddress(), upstream.address());

            Dig.Result result = Dig.query(port(server), "www.example.test", "A");

            assertThat(result.status()).isEqualTo("NOERROR");
            assertThat(result.data()).containsExactly("192.0.2.10");
        }
    }

    @Test
    void tcpQueryGetsStubAddress() throws Exception {
        DnsServer server = start();

        Dig.Result tcp = Dig.query(port(server), "intranet.corp.internal", "A", "+tcp");
        Dig.Result udp = Dig.query(port(server), "intranet.corp.internal", "A");

        assertThat(tcp.status()).isEqualTo("NOERROR");
        assertThat(tcp.answers()).containsExactly(
                new Dig.Answer("intranet.corp.internal.", 5, "A", "100.64.0.1"));
        assertThat(udp.data()).containsExactly("100.64.0.1");
    }

    @Test
    void malformedBurstDroppedAndCounted() throws Exception {
        DnsServer server = start();
        byte[] valid = DnsMessages.query(0x4242, DnsPackets.FLAG_RD, 1,
                "intranet.corp.internal", 1);
        List<byte[]> malformed = List.of(
                new byte[] {1, 2, 3, 4, 5},
                DnsMessages.query(1, DnsPackets.FLAG_QR, 1, "intranet.corp.internal", 1),
                DnsMessages.query(2, DnsPackets.FLAG_RD, 0, "intranet.corp.internal", 1),
                DnsMessages.query(3, DnsPackets.FLAG_RD, 2, "intranet.corp.internal", 1),
                Arrays.copyOf(valid, 20),
                new byte[] {0, 4, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xC0, (byte) 0xFF, 0, 1,
                        0, 1});

        byte[] answer;
        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(5000);
            for (int i = 0; i < 100; i++) {
                byte[] packet = malformed.get(i % malformed.size());
                client.send(new DatagramPacket(packet, packet.length, server.localAddress()));
            }
            // One socket's datagrams are read in order, so the answer to this query arrives
            // after the server handled all 100 malformed ones.
            client.send(new DatagramPacket(valid, valid.length, server.localAddress()));
            answer = receive(client);
        }
        Dig.Result after = Dig.query(port(server), "db.apps.corp.internal", "A");

        assertThat(DnsPackets.id(answer)).isEqualTo(0x4242);
        assertThat(DnsPackets.rcode(answer)).isEqualTo(0);
        assertThat(DnsPackets.u16(answer, 6)).isEqualTo(1);
        assertThat(server.malformedCount()).isEqualTo(100);
        assertThat(after.data()).containsExactly("100.64.0.2");
        assertThat(server.status().get("malformedCount")).isEqualTo(100L);
    }

    @Test
    void malformedTcpQueryClosesConnection() throws Exception {
        DnsServer server = start();
        byte[] withQrBit = DnsMessages.query(9, DnsPackets.FLAG_QR, 1, "intranet.corp.internal",
                1);

        int read;
        try (Socket socket = new Socket()) {
            socket.connect(server.localAddress(), 5000);
            socket.setSoTimeout(5000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeShort(withQrBit.length);
            out.write(withQrBit);
            out.flush();
            read = socket.getInputStream().read();
        }
        Dig.Result after = Dig.query(port(server), "intranet.corp.internal", "A", "+tcp");

        assertThat(read).isEqualTo(-1);
        assertThat(server.malformedCount()).isEqualTo(1);
        assertThat(after.data()).containsExactly("100.64.0.1");
    }

    @Test
    void publisherDnsAnswerRelayedAndCached() throws Exception {
        publisher.answers.put("wiki.pub.internal", answer(DnsResponseCode.NOERROR,
                "wiki.pub.internal.", "10.9.1.1"));
        DnsServer server = start();

        Dig.Result first = Dig.query(port(server), "wiki.pub.internal", "A");
        clock.advance(Duration.ofSeconds(15));
        Dig.Result second = Dig.query(port(server), "wiki.pub.internal", "A");

        assertThat(first.status()).isEqualTo("NOERROR");
        assertThat(first.answers()).containsExactly(
                new Dig.Answer("wiki.pub.internal.", 60, "A", "10.9.1.1"));
        assertThat(second.answers()).containsExactly(
                new Dig.Answer("wiki.pub.internal.", 45, "A", "10.9.1.1"));
        assertThat(publisher.requests).containsExactly("wiki.pub.internal/1");
        assertThat(upstream.udpQueries()).isZero();
    }

    @Test
    void uncapturedPublisherAddressLoggedOnce() throws Exception {
        publisher.answers.put("wiki.pub.internal", answer(DnsResponseCode.NOERROR,
                "wiki.pub.internal.", "10.9.1.1"));
        publisher.answers.put("ext.pub.internal", answer(DnsResponseCode.NOERROR,
                "ext.pub.internal.", "192.0.2.77"));
        DnsServer server = start();

        try (LogLines log = new LogLines(PublisherDnsRelay.class)) {
            Dig.query(port(server), "wiki.pub.internal", "A");
            Dig.query(port(server), "ext.pub.internal", "A");
            clock.advance(Duration.ofSeconds(61));
            Dig.query(port(server), "Ext.Pub.Internal", "A");

            assertThat(publisher.requests).containsExactly("wiki.pub.internal/1",
                    "ext.pub.internal/1", "Ext.Pub.Internal/1");

            assertThat(log.messages(Level.INFO)).containsExactly("publisher DNS answer has an "
                    + "address no steered app lists, so flows to it are not captured: "
                    + "query=ext.pub.internal./A app=pub address=192.0.2.77 hint=\"add the "
                    + "address or its CIDR block to the app's hosts\" suppressed=0");
        }
    }

    @Test
    void publisherNxdomainFallsBackUpstream() throws Exception {
        publisher.answers.put("missing.pub.internal", answer(DnsResponseCode.NXDOMAIN,
                "missing.pub.internal."));
        upstream.addA("missing.pub.internal", "192.0.2.20");
        DnsServer server = start();

        Dig.Result result = Dig.query(port(server), "missing.pub.internal", "A");

        assertThat(result.status()).isEqualTo("NOERROR");
        assertThat(result.data()).containsExactly("192.0.2.20");
        assertThat(publisher.requests).containsExactly("missing.pub.internal/1");
        assertThat(upstream.udpQueries()).isEqualTo(1);
    }

    @Test
    void publisherFailureGivesServfail() throws Exception {
        DnsServer server = start();

        Dig.Result result = Dig.query(port(server), "down.pub.internal", "TXT");

        assertThat(result.status()).isEqualTo("SERVFAIL");
        assertThat(publisher.requests).containsExactly("down.pub.internal/16");
        assertThat(upstream.udpQueries()).isZero();
    }

    @Test
    void fullPoolServfailsUntilReclaim() throws Exception {
        DnsServer server = start("100.64.0.0/29", null, Duration.ofSeconds(1),
                upstream.address());
        List<String> assigned = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            assigned.addAll(Dig.query(port(server), "app" + i + ".apps.corp.internal", "A").data());
        }

        Dig.Result full = Dig.query(port(server), "app7.apps.corp.internal", "A");
        Dig.Result existing = Dig.query(port(server), "app2.apps.corp.internal", "A");
        clock.advance(IDLE);
        Dig.Result reclaimed = Dig.query(port(server), "app7.apps.corp.internal", "A");

        assertThat(assigned).containsExactly("100.64.0.1", "100.64.0.2", "100.64.0.3",
                "100.64.0.4", "100.64.0.5", "100.64.0.6");
        assertThat(full.status()).isEqualTo("SERVFAIL");
        assertThat(existing.data()).containsExactly("100.64.0.2");
        assertThat(reclaimed.status()).isEqualTo("NOERROR");
        assertThat(reclaimed.data()).containsExactly("100.64.0.1");
    }

    @Test
    void mappingsSurviveRestart() throws Exception {
        DnsServer first = start();
        Dig.query(port(first), "db.apps.corp.internal", "A");
        clock.advance(Duration.ofMinutes(1));
        Dig.query(port(first), "intranet.corp.internal", "A");
        first.close();
        servers.remove(first);

        DnsServer second = start();
        Dig.Result result = Dig.query(port(second), "intranet.corp.internal", "A");

        assertThat(result.data()).containsExactly("100.64.0.2");
        Map<String, Object> status = second.status();
        assertThat(status.get("listen")).isEqualTo(second.localAddress().toString());
        assertThat(status.get("stubMappingCount")).isEqualTo(2);
        assertThat(status.get("stubMappings")).isEqualTo(List.of(
                Map.of("name", "intranet.corp.internal", "address", "100.64.0.2",
                        "lastUsed", "2026-01-05T10:01:00Z"),
                Map.of("name", "db.apps.corp.internal", "address", "100.64.0.1",
                        "lastUsed", "2026-01-05T10:00:00Z")));
        assertThat(status.get("malformedCount")).isEqualTo(0L);
    }

    /** Sends one query from a Java socket and returns the answer. */
    private static byte[] exchange(DnsServer server, byte[] query) throws Exception {
        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(5000);
            client.send(new DatagramPacket(query, query.length, server.localAddress()));
            return receive(client);
        }
    }

    private static byte[] receive(DatagramSocket client) throws Exception {
        DatagramPacket packet = new DatagramPacket(new byte[4096], 4096);
        client.receive(packet);
        return Arrays.copyOf(packet.getData(), packet.getLength());
    }

    private static DnsAnswerMessage answer(DnsResponseCode rcode, String name,
            String... addresses) {
        byte[] response = DnsMessages.response(0, name, DnsRecordType.A, rcode, 60, addresses);
        return new DnsAnswerMessage("q1", rcode.intValue(),
                Base64.getEncoder().encodeToString(response), null);
    }

    /** Answers from a map by name, SERVFAIL for other names, and records each query. */
    private static final class FakePublisherDns implements PublisherDns {

        final Map<String, DnsAnswerMessage> answers = new ConcurrentHashMap<>();
        final List<String> requests = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<DnsAnswerMessage> resolve(String name, int qtype) {
            requests.add(name + "/" + qtype);
            return CompletableFuture.completedFuture(answers.getOrDefault(
                    name.toLowerCase(Locale.ROOT),
                    new DnsAnswerMessage("q1", 2, null, "no publisher connected")));
        }
    }
}
