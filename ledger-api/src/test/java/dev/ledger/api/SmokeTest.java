package dev.ledger.api;

import dev.ledger.api.store.StoreSettings;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.Withdraw;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTest {
    @Test
    void depositsAndTransfers() {
        try (Ledger ledger = Ledger.builder().store(StoreSettings.inMemory("smoke")).build()) {
            System.out.println(ledger.execute(new OpenAccount("1", "alice:FUTURES")));
            System.out.println(ledger.execute(new OpenAccount("2", "alice:COPY")));
            System.out.println(ledger.execute(new Deposit("3", "alice:FUTURES", "USDT", new BigDecimal("1000"))));
            System.out.println(ledger.execute(new Transfer("4", "alice:FUTURES", "alice:COPY", "USDT", new BigDecimal("250.5"))));
            System.out.println(ledger.execute(new Transfer("5", "alice:FUTURES", "alice:COPY", "USDT", new BigDecimal("2500.5"))));
            System.out.println(ledger.execute(new Transfer("4", "alice:FUTURES", "alice:COPY", "USDT", new BigDecimal("250.50"))));
            System.out.println(ledger.execute(new Transfer("4", "alice:FUTURES", "alice:COPY", "USDT", new BigDecimal("25"))));
            System.out.println(ledger.execute(new Withdraw("6", "alice:COPY", "USDT", new BigDecimal("1"))));
            System.out.println(ledger.balance("alice:FUTURES"));
            System.out.println(ledger.balance("alice:COPY"));
            System.out.println(ledger.accounts("alice"));
            assertThat(ledger.balance("alice:COPY").orElseThrow().balances().get(0).wallet()).isEqualByComparingTo("250.5");
        }
    }
}
