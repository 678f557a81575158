package io.ztna.proto.policy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CIDR blocks of one address family, one hash map of masked networks per prefix length. A
 * lookup costs one mask and one map lookup per prefix length in use, at most 33 for IPv4 and
 * 129 for IPv6. Not thread-safe while blocks are added; read-only use afterwards is safe.
 */
final class CidrIndex {

    /** Maps of masked network to apps, indexed by prefix length; null where none is used. */
    private final List<Map<ByteBuffer, List<App>>> byPrefixLength;

    CidrIndex(int addressBits) {
        byPrefixLength = new ArrayList<>(addressBits + 1);
        for (int length = 0; length <= addressBits; length++) {
            byPrefixLength.add(null);
        }
    }

    void add(int prefixLength, byte[] network, App app) {
        Map<ByteBuffer, List<App>> networks = byPrefixLength.get(prefixLength);
        if (networks == null) {
            networks = new HashMap<>();
            byPrefixLength.set(prefixLength, networks);
        }
        AppCatalog.add(networks, ByteBuffer.wrap(network), app);
    }

    /** Returns the app lists of every block containing the address, longest prefix first. */
    List<List<App>> candidates(byte[] address) {
        List<List<App>> found = new ArrayList<>(2);
        for (int length = byPrefixLength.size() - 1; length >= 0; length--) {
            Map<ByteBuffer, List<App>> networks = byPrefixLength.get(length);
            if (networks == null) {
                continue;
            }
            List<App> apps = networks.get(ByteBuffer.wrap(HostNames.mask(address, length)));
            if (apps != null) {
                found.add(apps);
            }
        }
        return found;
    }
}
