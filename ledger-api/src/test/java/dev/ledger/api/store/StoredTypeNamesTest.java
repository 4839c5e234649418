package dev.ledger.api.store;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A stored type name comes back equal to itself, and as the instance handed out before when there is one. */
class StoredTypeNamesTest {

    @Test
    void anEqualNameReadAgainIsTheInstanceHandedOutFirst() {
        String first = new String("dev.ledger.domain.event.TransferSent");
        String again = new String("dev.ledger.domain.event.TransferSent");

        assertThat(StoredTypeNames.canonical(first)).isSameAs(first);
        assertThat(StoredTypeNames.canonical(again)).isSameAs(first);
    }

    @Test
    void everyNameComesBackEqualToItselfEvenWhenNamesShareASlot() {
        // Many names of one length: several share a slot and take it from one another.
        List<String> names = new ArrayList<>();
        for (char c = 'A'; c <= 'Z'; c++) {
            for (char d = 'a'; d <= 'z'; d++) {
                names.add("dev.ledger.domain.event.Event" + c + d);
            }
        }
        for (int round = 0; round < 3; round++) {
            for (String name : names) {
                assertThat(StoredTypeNames.canonical(new String(name))).isEqualTo(name);
            }
        }
        assertThat(StoredTypeNames.canonical(null)).isNull();
        assertThat(StoredTypeNames.canonical("")).isEmpty();
        assertThat(StoredTypeNames.canonical("x")).isEqualTo("x");
    }
}
