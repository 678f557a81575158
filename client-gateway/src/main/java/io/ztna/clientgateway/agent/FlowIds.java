package io.ztna.clientgateway.agent;

import java.util.concurrent.ThreadLocalRandom;

/** Flow ids: 16 random hex digits, unique enough to follow one flow through every tier's logs. */
final class FlowIds {

    private FlowIds() {
    }

    static String next() {
        return String.format("%016x", ThreadLocalRandom.current().nextLong());
    }
}
