package io.ztna.proto.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpiffeIdTest {
    @Test
    void parsesUserId() {
        SpiffeId id = SpiffeId.parse("spiffe://example.org/user/alice@example.com/device/laptop-1");

        assertThat(id.trustDomain()).isEqualTo("example.org");
        assertThat(id.role()).isEqualTo(PeerRole.USER);
        assertThat(id.name()).isEqualTo("alice@example.com");
        assertThat(id.device()).isEqualTo("laptop-1");
        assertThat(id).isEqualTo(SpiffeId.user("example.org", "alice@example.com", "laptop-1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "spiffe://example.org/publisher/pub-1",
        "spiffe://example.org/client-gateway/cg-1",
        "spiffe://example.org/publisher-gateway/pg_1.eu",
        "spiffe://example.org/user/bob+ops@example.com/device/Desk.2"})
    void formatsWhatItParses(String value) {
        assertThat(SpiffeId.parse(value).toString()).isEqualTo(value);
    }

    @Test
    void parsesWorkloadRoles() {
        SpiffeId id = SpiffeId.parse("spiffe://example.org/publisher-gateway/pg-1");

        assertThat(id.role()).isEqualTo(PeerRole.PUBLISHER_GATEWAY);
        assertThat(id.name()).isEqualTo("pg-1");
        assertThat(id.device()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "https://example.org/publisher/pub-1",
        "spiffe://example.org/publisher",
        "spiffe://example.org/publisher/pub-1/extra",
        "spiffe://example.org/admin/root",
        "spiffe://Example.org/publisher/pub-1",
        "spiffe:///publisher/pub-1",
        "spiffe://example.org/publisher/",
        "spiffe://example.org/publisher/..",
        "spiffe://example.org/publisher/pub 1",
        "spiffe://example.org/user/alice@example.com",
        "spiffe://example.org/user/alice@example.com/laptop/l1",
        "spiffe://example.org/user/alice@example.com/device/",
        "spiffe://example.org/publisher/pub-1?query"})
    void rejectsInvalidId(String value) {
        assertThatThrownBy(() -> SpiffeId.parse(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + value + "'")
                .hasMessageContaining("expected spiffe://TRUST-DOMAIN/");
    }

    @Test
    void workloadRejectsUserRole() {
        assertThatThrownBy(() -> SpiffeId.workload("example.org", PeerRole.USER, "alice"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SpiffeId.user");
    }

    @Test
    void roleWireNamesRoundTrip() {
        for (PeerRole role : PeerRole.values()) {
            assertThat(PeerRole.fromWireName(role.wireName())).isEqualTo(role);
        }
        assertThat(PeerRole.CLIENT_GATEWAY.wireName()).isEqualTo("client-gateway");
        assertThatThrownBy(() -> PeerRole.fromWireName("CLIENT_GATEWAY"))
                .hasMessageContaining("'CLIENT_GATEWAY'")
                .hasMessageContaining("client-gateway");
    }
}
