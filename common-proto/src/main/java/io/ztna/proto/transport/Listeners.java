package io.ztna.proto.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.io.IOException;
import java.net.InetSocketAddress;

/** Binds listening sockets with errors that name the address and what it was for. */
public final class Listeners {

    private Listeners() {
    }

    /**
     * Binds {@code bootstrap} to {@code address}, blocking until bound.
     *
     * @param purpose what the listener serves, for the error message, for example "SOCKS5"
     * @throws IOException "cannot listen on ADDRESS for PURPOSE: REASON" when binding fails
     */
    public static Channel bind(ServerBootstrap bootstrap, InetSocketAddress address, String purpose)
            throws IOException, InterruptedException {
        if (address.isUnresolved()) {
            throw new IOException("cannot listen on " + address.getHostString() + ":"
                    + address.getPort() + " for " + purpose + ": host name not resolved");
        }
        ChannelFuture bind = bootstrap.bind(address).await();
        if (!bind.isSuccess()) {
            Throwable cause = bind.cause();
            throw new IOException("cannot listen on " + address.getAddress().getHostAddress() + ":"
                    + address.getPort() + " for " + purpose + ": " + cause.getMessage(), cause);
        }
        return bind.channel();
    }
}
