package io.ztna.agent.capture;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.ztna.proto.frame.ErrorCode;
import io.ztna.proto.frame.FlowMetadata;
import io.ztna.proto.frame.OpenResult;
import io.ztna.proto.mux.Stream;
import io.ztna.proto.mux.Tunnel;
import io.ztna.proto.mux.TunnelListener;
import io.ztna.proto.relay.ConnectFailures;
import io.ztna.proto.relay.EarlyInbound;
import io.ztna.proto.relay.SocketStreamRelay;
import io.ztna.proto.transport.Transports;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The far end of a test tunnel, standing in for the publisher: it connects each stream to its
 * destination and relays, or rejects it with the result a test set for its host.
 *
 * <p>Only loopback is ever dialled. Host names resolve through {@link #NAMES}, IP literals must
 * be loopback addresses, and anything else is rejected with DNS_FAILURE or APP_UNREACHABLE.
 */
final class AppConnector implements TunnelListener {

    /** Host names the far end knows, all on loopback. */
    static final Map<String, String> NAMES = Map.of(
            "echo.corp.test", "127.0.0.1",
            "echo6.corp.test", "::1");

    private final Map<String, OpenResult> rejections = new ConcurrentHashMap<>();
    private final BlockingQueue<FlowMetadata> opens = new LinkedBlockingQueue<>();
    private final BlockingQueue<Long> appConnectNanos = new LinkedBlockingQueue<>();
    private volatile Future<?> gate = ImmediateEventExecutor.INSTANCE.newSucceededFuture(null);

    /** Makes opens to {@code host} fail with {@code result}. */
    void reject(String host, OpenResult result) {
        rejections.put(host, result);
    }

    /** Holds later opens until {@code release} completes, as a slow publisher does. */
    void holdUntil(Future<?> release) {
        gate = release;
    }

    /** Returns the flows the far end received, in order. */
    BlockingQueue<FlowMetadata> opens() {
        return opens;
    }

    /** Returns {@link System#nanoTime()} at each successful app connect, in order. */
    BlockingQueue<Long> appConnectNanos() {
        return appConnectNanos;
    }

    @Override
    public void onStreamOpened(Tunnel tunnel, Stream stream) {
        FlowMetadata flow = stream.metadata();
        opens.add(flow);
        OpenResult rejection = rejections.get(flow.host());
        if (rejection != null) {
            stream.reject(rejection, "rejected by the test");
            return;
        }
        gate.addListener(f -> connect(tunnel, stream));
    }

    private void connect(Tunnel tunnel, Stream stream) {
        FlowMetadata flow = stream.metadata();
        InetAddress address;
        try {
            address = loopbackAddress(flow.host());
        } catch (UnknownHostException e) {
            stream.reject(OpenResult.DNS_FAILURE, e.getMessage());
            return;
        }
        if (address == null) {
            stream.reject(OpenResult.APP_UNREACHABLE, "test connects to loopback only");
            return;
        }
        ChannelFuture connect = new Bootstrap()
                .group(tunnel.channel().eventLoop())
                .channel(Transports.socketChannel())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .handler(new EarlyInbound())
                .connect(address, flow.port());
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                stream.reject(ConnectFailures.resultOf(f.cause()), f.cause().toString());
                return;
            }
            appConnectNanos.add(System.nanoTime());
            Channel app = connect.channel();
            SocketStreamRelay.forAcceptedStream(app, stream, ErrorCode.APP_RESET);
        });
    }

    /** Returns the loopback address for {@code host}, or null when it is not on loopback. */
    private static InetAddress loopbackAddress(String host) throws UnknownHostException {
        String literal = NAMES.getOrDefault(host, host);
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(literal);
        if (bytes == null) {
            throw new UnknownHostException(host + ": not a test name");
        }
        InetAddress address = InetAddress.getByAddress(bytes);
        return address.isLoopbackAddress() ? address : null;
    }
}
