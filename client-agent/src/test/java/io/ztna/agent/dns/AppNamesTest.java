package io.ztna.agent.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.proto.policy.AppProtocol;
import io.ztna.proto.policy.HostPattern;
import io.ztna.proto.policy.SteeringPolicy;
import io.ztna.proto.policy.SteeringPolicy.SteeredApp;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which query names count as app names under a steering policy. */
class AppNamesTest {

    static SteeredApp app(String name, boolean publisherDns, List<String> hosts,
            String... protocols) {
        return new SteeredApp(name, hosts.stream().map(HostPattern::parse).toList(),
                List.of(protocols).stream().map(AppProtocol::parse).toList(), publisherDns);
    }

    static SteeredApp blocked(String name, List<String> hosts, String... protocols) {
        return new SteeredApp(name, hosts.stream().map(HostPattern::parse).toList(),
                List.of(protocols).stream().map(AppProtocol::parse).toList(), false,
                "no-" + name, false);
    }

    private final SteeringPolicy policy = new SteeringPolicy(3, List.of(
            app("intranet", false, List.of("intranet.corp.internal"), "tcp:443"),
            app("wiki", false, List.of("*.apps.corp.internal"), "tcp:80", "tcp:8000-8999"),
            app("pub", true, List.of("*.pub.internal", "10.9.0.0/16"), "tcp:443"),
            app("web", false, List.of("*.lab.internal"), "tcp:443")),
            List.of(blocked("ssh", List.of("ssh.corp.internal"), "tcp:22"),
                    blocked("lab-web", List.of("secret.lab.internal"), "tcp:443")));
    private final AppNames names = new AppNames();

    private String appOf(String queryName) {
        String name = DnsNames.normalise(queryName);
        SteeredApp app = name == null ? null : names.steeredApp(policy, name);
        return app == null ? null : app.name();
    }

    @Test
    void exactNameMatches() {
        assertThat(appOf("intranet.corp.internal")).isEqualTo("intranet");
        assertThat(appOf("other.corp.internal")).isNull();
    }

    @Test
    void wildcardMatchesBelowDomain() {
        assertThat(appOf("a.apps.corp.internal")).isEqualTo("wiki");
        assertThat(appOf("x.y.apps.corp.internal")).isEqualTo("wiki");
        assertThat(appOf("apps.corp.internal")).isNull();
    }

    @Test
    void caseAndTrailingDotIgnored() {
        assertThat(appOf("INTRANET.Corp.Internal.")).isEqualTo("intranet");
        assertThat(appOf("Db.Apps.Corp.Internal.")).isEqualTo("wiki");
        assertThat(DnsNames.normalise("INTRANET.Corp.Internal."))
                .isEqualTo("intranet.corp.internal");
    }

    @Test
    void publisherDnsAppFound() {
        SteeredApp app = names.steeredApp(policy, "wiki.pub.internal");

        assertThat(app.name()).isEqualTo("pub");
        assertThat(app.publisherDns()).isTrue();
    }

    @Test
    void blockedNamesNotAppNames() {
        assertThat(appOf("ssh.corp.internal")).isNull();
        assertThat(appOf("secret.lab.internal")).isNull();
        assertThat(appOf("open.lab.internal")).isEqualTo("web");
    }

    @Test
    void literalsAndInvalidNamesNotAppNames() {
        assertThat(DnsNames.normalise("10.9.1.1.")).isNull();
        assertThat(DnsNames.normalise("*.apps.corp.internal.")).isNull();
        assertThat(DnsNames.normalise("bad name.corp.internal.")).isNull();
        assertThat(names.steeredApp(null, "intranet.corp.internal")).isNull();
    }

    @Test
    void addressEntriesCaptureAddresses() {
        assertThat(AppNames.isCapturedAddress(policy, "10.9.3.4")).isTrue();
        assertThat(AppNames.isCapturedAddress(policy, "10.10.3.4")).isFalse();
    }

    @Test
    void reverseNamesParsed() throws Exception {
        assertThat(DnsNames.reverseAddress("1.0.64.100.in-addr.arpa."))
                .isEqualTo(java.net.InetAddress.getByName("100.64.0.1"));
        assertThat(DnsNames.reverseAddress("2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
                + "f.f.f.f.f.f.f.f.a.7.d.f.IP6.ARPA"))
                .isEqualTo(java.net.InetAddress.getByName("fd7a:ffff:ffff::2"));
        assertThat(DnsNames.reverseAddress("64.100.in-addr.arpa.")).isNull();
        assertThat(DnsNames.reverseAddress("256.0.64.100.in-addr.arpa.")).isNull();
        assertThat(DnsNames.reverseAddress("intranet.corp.internal.")).isNull();
    }
}
