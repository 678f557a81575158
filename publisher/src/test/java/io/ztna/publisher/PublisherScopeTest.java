package io.ztna.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.proto.policy.AppProtocol;
import io.ztna.proto.policy.HostPattern;
import java.util.List;
import org.junit.jupiter.api.Test;

class PublisherScopeTest {

    private final PublisherScope scope = new PublisherScope(List.of(
            new PublisherScope.Entry(
                    List.of(HostPattern.parse("*.corp.internal"), HostPattern.parse("10.0.0.0/8")),
                    List.of(AppProtocol.parse("tcp:443"), AppProtocol.parse("tcp:8000-8999"))),
            new PublisherScope.Entry(List.of(HostPattern.parse("db.lab.internal")),
                    List.of(AppProtocol.parse("tcp:5432")))));

    @Test
    void destinationsInsideScopeAllowed() {
        assertThat(scope.allows("wiki.corp.internal", 443)).isTrue();
        assertThat(scope.allows("wiki.corp.internal", 8999)).isTrue();
        assertThat(scope.allows("10.1.2.3", 8000)).isTrue();
        assertThat(scope.allows("db.lab.internal", 5432)).isTrue();
    }

    @Test
    void destinationsOutsideScopeRejected() {
        assertThat(scope.allows("corp.internal", 443)).isFalse();
        assertThat(scope.allows("wiki.corp.internal", 22)).isFalse();
        assertThat(scope.allows("11.1.2.3", 443)).isFalse();
        assertThat(scope.allows("db.lab.internal", 443)).isFalse();
        assertThat(scope.allows("127.0.0.1", 443)).isFalse();
    }
}
