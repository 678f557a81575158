package io.ztna.agent.capture;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.socksx.v5.Socks5AddressDecoder;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;

/**
 * Netty's SOCKS5 address decoder, except that an unknown address type raises
 * {@link UnsupportedAddressTypeException}, so the request handler can reply 0x08 (address type
 * not supported, RFC 1928 section 6) without matching exception messages.
 */
final class SocksAddressDecoder implements Socks5AddressDecoder {

    static final SocksAddressDecoder INSTANCE = new SocksAddressDecoder();

    private SocksAddressDecoder() {
    }

    @Override
    public String decodeAddress(Socks5AddressType type, ByteBuf in) throws Exception {
        if (type != Socks5AddressType.IPv4 && type != Socks5AddressType.DOMAIN
                && type != Socks5AddressType.IPv6) {
            throw new UnsupportedAddressTypeException(type.byteValue() & 0xff);
        }
        return DEFAULT.decodeAddress(type, in);
    }

    /** A request named an address type other than IPv4 (1), domain name (3) and IPv6 (4). */
    static final class UnsupportedAddressTypeException extends DecoderException {

        UnsupportedAddressTypeException(int type) {
            super("unsupported address type: " + type + " (expected: 1, 3 or 4)");
        }
    }
}
