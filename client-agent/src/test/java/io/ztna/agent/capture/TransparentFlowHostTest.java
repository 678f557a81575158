package io.ztna.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.proto.policy.HostPattern;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The host that a transparently captured connection travels as. */
class TransparentFlowHostTest {

    private static final List<HostPattern> STUB_RANGES =
            List.of(HostPattern.parse("100.64.0.0/10"), HostPattern.parse("fd7a:115c::/48"));

    private final Map<String, String> names = Map.of(
            "100.64.0.1", "intranet.corp.internal",
            "fd7a:115c::1", "wiki.corp.internal");
    private final StubAddressLookup stubs =
            address -> names.get(io.netty.util.NetUtil.toAddressString(address));

    private String hostFor(String address) throws Exception {
        return TransparentConnectionHandler.flowHost(InetAddress.getByName(address),
                STUB_RANGES, stubs);
    }

    @Test
    void stubAddressTravelsAsAppName() throws Exception {
        assertThat(hostFor("100.64.0.1")).isEqualTo("intranet.corp.internal");
        assertThat(hostFor("fd7a:115c::1")).isEqualTo("wiki.corp.internal");
    }

    @Test
    void unknownStubAddressHasNoHost() throws Exception {
        assertThat(hostFor("100.64.0.2")).isNull();
        assertThat(hostFor("fd7a:115c::2")).isNull();
    }

    @Test
    void appAddressTravelsAsAddress() throws Exception {
        assertThat(hostFor("10.20.1.5")).isEqualTo("10.20.1.5");
        assertThat(hostFor("fd00:0:0::5")).isEqualTo("fd00::5");
        assertThat(hostFor("100.128.0.1")).isEqualTo("100.128.0.1");
    }
}
