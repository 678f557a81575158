package io.ztna.clientgateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The bounded map of sticky choices. */
class StickyChoicesTest {

    @Test
    void leastRecentlyUsedPairForgottenFirst() {
        StickyChoices choices = new StickyChoices(1_000, 2);
        choices.put("alice", "intranet", "pub-1", 0);
        choices.put("bob", "intranet", "pub-2", 0);
        assertThat(choices.get("alice", "intranet", 1)).isEqualTo("pub-1");

        choices.put("carol", "intranet", "pub-1", 2);
        assertThat(choices.size()).isEqualTo(2);
        assertThat(choices.get("bob", "intranet", 3)).isNull();
        assertThat(choices.get("alice", "intranet", 3)).isEqualTo("pub-1");
        assertThat(choices.get("carol", "intranet", 3)).isEqualTo("pub-1");
    }

    @Test
    void expiredChoiceRemoved() {
        StickyChoices choices = new StickyChoices(1_000, 10);
        choices.put("alice", "intranet", "pub-1", 0);
        assertThat(choices.get("alice", "intranet", 999)).isEqualTo("pub-1");
        assertThat(choices.get("alice", "intranet", 1_000)).isNull();
        assertThat(choices.size()).isZero();
    }

    @Test
    void pairsKeyedByUserAndApp() {
        StickyChoices choices = new StickyChoices(1_000, 10);
        choices.put("alice", "intranet", "pub-1", 0);
        choices.put("alice", "wiki", "pub-2", 0);
        assertThat(choices.get("alice", "intranet", 1)).isEqualTo("pub-1");
        assertThat(choices.get("alice", "wiki", 1)).isEqualTo("pub-2");
        assertThat(choices.get("bob", "intranet", 1)).isNull();
    }
}
