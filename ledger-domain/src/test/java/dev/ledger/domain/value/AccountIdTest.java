package dev.ledger.domain.value;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccountIdTest {

    /** Letters of every kind the check must tell apart: allowed, near misses, and beyond ASCII. */
    private static final String ALPHABET = "aZz09_.-:@ /\\\u00e9\u0130\u212a\u0000\t+";

    @Test
    void acceptsExactlyTheUserNamesThePatternDescribes() {
        Random random = new Random(20261207);
        for (int i = 0; i < 200_000; i++) {
            int length = random.nextInt(70);
            StringBuilder name = new StringBuilder(length);
            for (int j = 0; j < length; j++) {
                name.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            String user = name.toString();
            assertThat(AccountId.isValidUser(user)).as("'%s'", user)
                    .isEqualTo(AccountId.USER_PATTERN.matcher(user).matches());
        }
        assertThat(AccountId.isValidUser("a".repeat(64))).isTrue();
        assertThat(AccountId.isValidUser("a".repeat(65))).isFalse();
        assertThat(AccountId.isValidUser("")).isFalse();
        assertThat(AccountId.isValidUser(null)).isFalse();
    }

    @Test
    void parsesUserColonTypeAndRefusesAnythingElseNamingTheText() {
        assertThat(AccountId.parse("ann.b-c_1:COPY")).isEqualTo(new AccountId("ann.b-c_1", AccountType.COPY));
        assertThat(AccountId.parseOrNull("a:b:ELITE")).as("a colon in the user part").isNull();
        assertThat(AccountId.parseOrNull("ann:copy")).isNull();
        assertThatThrownBy(() -> AccountId.parse("ann"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith(": ann");
    }
}
