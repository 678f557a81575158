package io.ztna.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsResponseDecoder;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsSection;
import io.ztna.proto.control.DnsAnswerMessage;
import io.ztna.proto.dns.DnsWire;
import io.ztna.proto.transport.Transports;
import io.ztna.publisher.Publisher;
import io.ztna.publisher.PublisherConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publisher DNS through all four tiers in this JVM: the agent sends a query through its tunnel,
 * the client gateway checks that the user may reach an app with publisher DNS covering the
 * name, and the publisher answers from its host map or from its resolver, a test DNS server on
 * loopback.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PublisherDnsTest {

    @TempDir
    static Path dir;

    static InProcessLab lab;
    static EventLoopGroup group;
    static TestDnsServer resolver;

    @BeforeAll
    static void startLab() throws Exception {
        group = Transports.newGroup(1);
        resolver = new TestDnsServer(group, Map.of("db.corp.internal", new byte[] {10, 9, 8, 7},
                "outside.pdns.test", new byte[] {10, 9, 8, 6}));
        lab = new InProcessLab(dir, List.of()).start();
        InetSocketAddress address = resolver.address();
        Path publisherConfig = lab.state.config("publisher");
        Files.writeString(publisherConfig, Files.readString(publisherConfig)
                + "dns:\n  resolvers: [127.0.0.1:" + address.getPort() + "]\n  timeout: 1s\n");
        lab.publisher.close();
        lab.publisher = new Publisher(PublisherConfig.load(publisherConfig)).start();
        Files.writeString(lab.state.config("policy"), """
                apps:
                  - {name: corp-dns, hosts: ["*.corp.internal"], protocols: [tcp:1-65535],
                     publishers: [pub-1], publisherDns: true}
                  - {name: hidden, hosts: [secret.corp.internal], protocols: [tcp:443],
                     publishers: [pub-1], publisherDns: true}
                  - {name: outside, hosts: ["*.pdns.test"], protocols: [tcp:443],
                     publishers: [pub-1], publisherDns: true}
                  - {name: plain, hosts: [plain.example], protocols: [tcp:443],
                     publishers: [pub-1]}
                users:
                  - {id: alice@example.com, groups: [engineering]}
                rules:
                  - {name: corp, action: allow, groups: [engineering],
                     apps: [corp-dns, outside, plain]}
                  - {name: no-secret, action: block, everyone: true, apps: [hidden]}
                """);
        lab.clientGateway.policies().reloadIfChanged();
        InProcessLab.await(() -> lab.clientGateway.directory().connectedPublishers()
                .contains("pub-1"), "the restarted publisher is connected");
    }

    @AfterAll
    static void stopLab() {
        if (lab != null) {
            lab.close();
        }
        if (resolver != null) {
            resolver.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Returns a daemon's count of DNS queries of one type and outcome, 0 before the first. */
    private static double dnsQueries(InetSocketAddress admin, String type, String outcome) {
        double value = AdminClient.metrics(admin).value("ztna_dns_queries_total",
                "type", type, "outcome", outcome);
        return Double.isNaN(value) ? 0 : value;
    }

    private static DnsAnswerMessage resolve(String name, int qtype) throws Exception {
        return lab.agent.publisherDns().resolve(name, qtype).get(10, TimeUnit.SECONDS);
    }

    /** Returns the answer section's record data, each as raw bytes. */
    private static List<byte[]> answers(DnsAnswerMessage answer, DnsRecordType type) {
        EmbeddedChannel decoder = new EmbeddedChannel(new DatagramDnsResponseDecoder());
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 53);
        decoder.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(
                Base64.getDecoder().decode(answer.response())), any, any));
        DnsResponse response = decoder.readInbound();
        try {
            List<byte[]> data = new ArrayList<>();
            for (int i = 0; i < response.count(DnsSection.ANSWER); i++) {
                DnsRawRecord record = response.recordAt(DnsSection.ANSWER, i);
                if (record.type().equals(type)) {
                    data.add(ByteBufUtil.getBytes(record.content()));
                }
            }
            return data;
        } finally {
            response.release();
            decoder.finishAndReleaseAll();
        }
    }

    @Test
    void hostMapNameAnsweredByPublisher() throws Exception {
        DnsAnswerMessage answer = resolve("Intranet.Corp.Internal.", DnsWire.TYPE_A);

        assertThat(answer.rcode()).isEqualTo(DnsWire.NOERROR);
        assertThat(answers(answer, DnsRecordType.A)).containsExactly(new byte[] {127, 0, 0, 1});
    }

    @Test
    void otherNameAnsweredByPublisherResolver() throws Exception {
        DnsAnswerMessage address = resolve("db.corp.internal", DnsWire.TYPE_A);
        DnsAnswerMessage text = resolve("db.corp.internal", 16);

        assertThat(address.rcode()).isEqualTo(DnsWire.NOERROR);
        assertThat(answers(address, DnsRecordType.A)).containsExactly(new byte[] {10, 9, 8, 7});
        assertThat(answers(text, DnsRecordType.TXT)).containsExactly(
                ("\u0016" + TestDnsServer.TXT).getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void nxdomainFromPublisherResolverPassesThrough() throws Exception {
        double gatewayBefore = dnsQueries(lab.clientGateway.adminAddress(), "A", "nxdomain");
        double publisherBefore = dnsQueries(lab.publisher.adminAddress(), "A", "nxdomain");

        DnsAnswerMessage answer = resolve("missing.corp.internal", DnsWire.TYPE_A);

        assertThat(answer.rcode()).isEqualTo(DnsWire.NXDOMAIN);
        assertThat(answer.response()).isNotNull();
        assertThat(dnsQueries(lab.clientGateway.adminAddress(), "A", "nxdomain"))
                .as("NXDOMAIN queries counted at the client gateway")
                .isEqualTo(gatewayBefore + 1);
        assertThat(dnsQueries(lab.publisher.adminAddress(), "A", "nxdomain"))
                .as("NXDOMAIN queries counted at the publisher")
                .isEqualTo(publisherBefore + 1);
    }

    @Test
    void nameWithoutPublisherDnsAppRefused() throws Exception {
        DnsAnswerMessage plain = resolve("plain.example", DnsWire.TYPE_A);
        DnsAnswerMessage unknown = resolve("www.example.org", DnsWire.TYPE_A);

        assertThat(plain.rcode()).isEqualTo(DnsWire.REFUSED);
        assertThat(plain.error()).isEqualTo("no app with publisher DNS covers plain.example");
        assertThat(unknown.rcode()).isEqualTo(DnsWire.REFUSED);
        assertThat(unknown.error()).isEqualTo("no app with publisher DNS covers www.example.org");
    }

    @Test
    void blockedAppNameRefusedWithRule() throws Exception {
        double deniedBefore = dnsQueries(lab.clientGateway.adminAddress(), "A", "denied");

        DnsAnswerMessage answer = resolve("secret.corp.internal", DnsWire.TYPE_A);

        assertThat(answer.rcode()).isEqualTo(DnsWire.REFUSED);
        assertThat(answer.error()).isEqualTo("blocked by rule no-secret");
        assertThat(dnsQueries(lab.clientGateway.adminAddress(), "A", "denied"))
                .as("denied queries counted at the client gateway")
                .isEqualTo(deniedBefore + 1);
    }

    @Test
    void nameOutsidePublisherScopeRefused() throws Exception {
        DnsAnswerMessage answer = resolve("www.pdns.test", DnsWire.TYPE_A);

        assertThat(answer.rcode()).isEqualTo(DnsWire.REFUSED);
        assertThat(answer.error()).isEqualTo("name www.pdns.test is outside the scope of "
                + "publisher pub-1");
    }
}
