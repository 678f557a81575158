package io.ztna.proto.tunnel;

import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;

/** Socket options shared by every tunnel connection. */
final class TunnelChannels {

    /**
     * The tunnel stops taking stream data from its send queue above 1 MiB of unflushed bytes
     * and resumes below 256 KiB; control frames are never held back.
     */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    private TunnelChannels() {
    }

    static void configure(Bootstrap bootstrap) {
        bootstrap.option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
    }

    static void configure(ServerBootstrap bootstrap) {
        bootstrap.childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
        ((AbstractBootstrap<?, ?>) bootstrap).option(ChannelOption.SO_REUSEADDR, true);
    }
}
