package io.ztna.agent.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order in which the agent tries its client gateways. */
class GatewayListTest {

    private static final long UNMEASURED = GatewayList.UNMEASURED;
    private static final long UNREACHABLE = GatewayList.UNREACHABLE;

    /** One row: the connect time recorded for each of four gateways, and the expected order. */
    private record Row(String name, long[] rttNanos, List<Integer> expected) {
    }

    @Test
    void orderByConnectTimeThenConfigOrder() {
        List<Row> rows = List.of(
                new Row("nothing measured",
                        new long[] {UNMEASURED, UNMEASURED, UNMEASURED, UNMEASURED},
                        List.of(0, 1, 2, 3)),
                new Row("fastest first", new long[] {900, 300, 600, 100}, List.of(3, 1, 2, 0)),
                new Row("equal times keep config order", new long[] {500, 500, 100, 500},
                        List.of(2, 0, 1, 3)),
                new Row("unreachable last", new long[] {UNREACHABLE, 700, UNREACHABLE, 200},
                        List.of(3, 1, 0, 2)),
                new Row("unmeasured between", new long[] {UNREACHABLE, UNMEASURED, 50, UNMEASURED},
                        List.of(2, 1, 3, 0)),
                new Row("zero is a time", new long[] {UNMEASURED, 0, 10, UNREACHABLE},
                        List.of(1, 2, 0, 3)));
        for (Row row : rows) {
            GatewayList gateways = new GatewayList(List.of(address(1), address(2), address(3),
                    address(4)));
            for (int i = 0; i < row.rttNanos().length; i++) {
                gateways.record(i, row.rttNanos()[i]);
            }
            assertThat(gateways.order()).as(row.name()).isEqualTo(row.expected());
        }
    }

    @Test
    void sameAddressTwiceKeepsTwoEntries() {
        GatewayList gateways = new GatewayList(List.of(address(1), address(1)));
        gateways.record(1, 10);
        assertThat(gateways.order()).containsExactly(1, 0);
        assertThat(gateways.rttNanos(0)).isEqualTo(UNMEASURED);
    }

    private static InetSocketAddress address(int n) {
        return new InetSocketAddress("127.0.0." + n, 8443);
    }
}
