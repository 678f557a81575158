package io.ztna.proto.tunnel;

import io.netty.channel.Channel;
import io.ztna.proto.mux.TunnelListener;
import io.ztna.proto.tls.SpiffeId;

/** Creates the listener for a tunnel once its TLS handshake proved the peer's identity. */
@FunctionalInterface
public interface TunnelListenerFactory {

    TunnelListener create(SpiffeId peer, Channel channel);
}
