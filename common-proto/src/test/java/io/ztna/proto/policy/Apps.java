package io.ztna.proto.policy;

import java.util.Arrays;
import java.util.List;

/** Builds apps for tests. */
final class Apps {

    private Apps() {
    }

    /** Returns an app served by {@code pub-1}, from comma-separated host and protocol entries. */
    static App app(String name, String hosts, String protocols) {
        return new App(name, Arrays.stream(hosts.split(",")).map(HostPattern::parse).toList(),
                Arrays.stream(protocols.split(",")).map(AppProtocol::parse).toList(),
                List.of("pub-1"), false);
    }
}
