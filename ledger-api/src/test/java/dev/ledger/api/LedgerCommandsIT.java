package dev.ledger.api;

import dev.ledger.api.support.OnEveryStore;
import dev.ledger.api.support.OpenLedgers;
import dev.ledger.api.support.RawEvents;
import dev.ledger.api.support.StoreKind;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.Transfer;
import dev.ledger.domain.command.Withdraw;
import dev.ledger.domain.value.RejectionCode;
import dev.ledger.projections.accounts.AccountStatus;
import dev.ledger.projections.balance.AssetBalance;
import dev.ledger.projections.balance.BalanceView;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;

import static dev.ledger.api.support.Commands.dec;
import static dev.ledger.api.support.Commands.deposit;
import static dev.ledger.api.support.Commands.nextId;
import static dev.ledger.api.support.Commands.open;
import static dev.ledger.api.support.Commands.transfer;
import static dev.ledger.api.support.Commands.withdraw;
import static dev.ledger.domain.value.RejectionCode.ACCOUNT_ALREADY_OPEN;
import static dev.ledger.domain.value.RejectionCode.ACCOUNT_NOT_FOUND;
import static dev.ledger.domain.value.RejectionCode.CROSS_USER_TRANSFER;
import static dev.ledger.domain.value.RejectionCode.IDEMPOTENCY_CONFLICT;
import static dev.ledger.domain.value.RejectionCode.INSUFFICIENT_FUNDS;
import static dev.ledger.domain.value.RejectionCode.INVALID_ACCOUNT;
import static dev.ledger.domain.value.RejectionCode.INVALID_AMOUNT;
import static dev.ledger.domain.value.RejectionCode.MIGRATION_RESTRICTED;
import static dev.ledger.domain.value.RejectionCode.SAME_ACCOUNT_TRANSFER;
import static dev.ledger.domain.value.RejectionCode.TRANSFER_NOT_ALLOWED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The commands implemented so far (OpenAccount, Deposit, Withdraw, Transfer) through the real
 * {@link Ledger}, on H2 and on PostgreSQL: what each accepts and books, every refusal code each can
 * produce, and which code wins when several apply (accounting.md, "Commands, ids and rejections").
 * A refused command must book nothing: no event is stored for it.
 */
class LedgerCommandsIT {

    @RegisterExtension
    static final OpenLedgers ledgers = new OpenLedgers();

    private static final String USER_64 = "u".repeat(64);
    private static final String USER_65 = "u".repeat(65);

    // ---------------------------------------------------------------------------------------------

    @Nested
    class OpenAccountCommand {

        @OnEveryStore
        void opensFuturesCopyAndEliteForOneUserAndLegacyForAnother(StoreKind store) {
            Ledger ledger = ledgers.open(store);

            accepted(ledger.execute(open("alice:ELITE")));
            accepted(ledger.execute(open("alice:FUTURES")));
            accepted(ledger.execute(open("alice:COPY")));
            accepted(ledger.execute(open("bob:LEGACY")));

            assertThat(ledger.accounts("alice").accounts()).extracting(AccountStatus::account)
                    .containsExactly("alice:FUTURES", "alice:COPY", "alice:ELITE");
            assertThat(ledger.accounts("bob").accounts())
                    .containsExactly(new AccountStatus("bob:LEGACY", "OPEN"));
            assertThat(ledger.balance("alice:COPY")).contains(new BalanceView("alice:COPY", List.of()));
            assertThat(ledger.balance("carol:FUTURES")).isEmpty();
        }

        @OnEveryStore
        void acceptsUserNamesOfOneAndOf64CharactersFromTheWholeAlphabet(StoreKind store) {
            Ledger ledger = ledgers.open(store);

            accepted(ledger.execute(open("x:FUTURES")));
            accepted(ledger.execute(open(USER_64 + ":FUTURES")));
            accepted(ledger.execute(open("Az09_.-:FUTURES")));

            assertThat(ledger.accounts(USER_64).accounts()).extracting(AccountStatus::account)
                    .containsExactly(USER_64 + ":FUTURES");
        }

        @OnEveryStore
        void refusesNamesThatAreNotUserColonTypeAsInvalidAccount(StoreKind store) {
            Ledger ledger = ledgers.open(store);

            for (String name : Arrays.asList(null, "", "alice", "alice:", ":FUTURES", "alice:futures",
                    "alice:SPOT", "alice:FUTURES ", "al ice:FUTURES", "alice:FUTURES:COPY", "alice/FUTURES",
                    "alicé:FUTURES", USER_65 + ":FUTURES")) {
                refusedWithoutBooking(ledger, new OpenAccount(nextId(), name), INVALID_ACCOUNT);
            }
            assertThat(ledger.accounts("alice").accounts()).isEmpty();
            assertThat(ledger.accounts(USER_65).accounts()).isEmpty();
        }

        @OnEveryStore
        void refusesOpeningAnOpenAccountAgain(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            accepted(ledger.execute(open("alice:FUTURES")));
            accepted(ledger.execute(deposit("alice:FUTURES", "USDT", "10")));
            accepted(ledger.execute(open("bob:LEGACY")));

            refusedWithoutBooking(ledger, open("alice:FUTURES"), ACCOUNT_ALREADY_OPEN);
            refusedWithoutBooking(ledger, open("bob:LEGACY"), ACCOUNT_ALREADY_OPEN);

            assertThat(wallet(ledger, "alice:FUTURES", "USDT")).isEqualByComparingTo("10");
            assertThat(ledger.accounts("alice").accounts()).hasSize(1);
        }

        @OnEveryStore
        void refusesEveryOtherAccountForAUserWithALegacyAccount(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            accepted(ledger.execute(open("alice:LEGACY")));

            refusedWithoutBooking(ledger, open("alice:FUTURES"), MIGRATION_RESTRICTED);
            refusedWithoutBooking(ledger, open("alice:COPY"), MIGRATION_RESTRICTED);
            refusedWithoutBooking(ledger, open("alice:ELITE"), MIGRATION_RESTRICTED);

            assertThat(ledger.accounts("alice").accounts()).extracting(AccountStatus::account)
                    .containsExactly("alice:LEGACY");
        }

        @OnEveryStore
        void refusesLegacyForAUserWhoHasAnyOtherAccount(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            accepted(ledger.execute(open("alice:FUTURES")));
            accepted(ledger.execute(open("bob:COPY")));
            accepted(ledger.execute(open("carol:ELITE")));

            refusedWithoutBooking(ledger, open("alice:LEGACY"), MIGRATION_RESTRICTED);
            refusedWithoutBooking(ledger, open("bob:LEGACY"), MIGRATION_RESTRICTED);
            refusedWithoutBooking(ledger, open("carol:LEGACY"), MIGRATION_RESTRICTED);
        }

        @OnEveryStore
        void refusesAlreadyOpenBeforeMigrationRestricted(StoreKind store) {
            // alice:LEGACY exists: opening it again is both "already open" and, read literally,
            // "LEGACY for a user who has an account"; ACCOUNT_ALREADY_OPEN ranks first.
            Ledger ledger = ledgers.open(store);
            accepted(ledger.execute(open("alice:LEGACY")));

            refusedWithoutBooking(ledger, open("alice:LEGACY"), ACCOUNT_ALREADY_OPEN);
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Nested
    class DepositCommand {

        @OnEveryStore
        void booksDepositsOnFuturesAndLegacyPerAssetSortedByAsset(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            accepted(ledger.execute(open("alice:FUTURES")));
            accepted(ledger.execute(open("bob:LEGACY")));

            accepted(ledger.execute(deposit("alice:FUTURES", "USDT", "1000")));
            accepted(ledger.execute(deposit("alice:FUTURES", "USDT", "0.00000001")));
            accepted(ledger.execute(deposit("alice:FUTURES", "BTC", "1.5")));
            accepted(ledger.execute(deposit("bob:LEGACY", "USDT", "1000000000000000")));

            List<AssetBalance> alice = ledger.balance("alice:FUTURES").orElseThrow().balances();
            assertThat(alice).extracting(AssetBalance::asset).containsExactly("BTC", "USDT");
            assertThat(alice.get(0).wallet()).isEqualByComparingTo("1.5");
            assertThat(alice.get(1).wallet()).isEqualByComparingTo("1000.00000001");
            assertThat(alice.get(1).inTransit()).isEqualByComparingTo("0");
            assertThat(alice.get(1).available()).isEqualByComparingTo("1000.00000001");
            assertThat(wallet(ledger, "bob:LEGACY", "USDT")).isEqualByComparingTo("1000000000000000");
        }

        @OnEveryStore
        void acceptsAssetNamesOfOneAndOf20Characters(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            accepted(ledger.execute(open("alice:FUTURES")));

            accepted(ledger.execute(deposit("alice:FUTURES", "X", "1")));
            accepted(ledger.execute(deposit("alice:FUTURES", "A".repeat(10) + "0123456789", "2")));

            assertThat(wallet(ledger, "alice:FUTURES", "AAAAAAAAAA0123456789")).isEqualByComparingTo("2");
        }

        @OnEveryStore
        void refusesAmountsThatAreNotPositiveAtMost10e15WithAtMost8FractionalDigits(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            accepted(ledger.execute(open("alice:FUTURES")));

            for (String amount : Arrays.asList(null, "0", "0.00000000", "-1", "-0.00000001", "1.123456789",
                    "1.000000000", "0.000000001", "1000000000000000.00000001", "1000000000000001", "1E+16")) {
                refusedWithoutBooking(ledger, new Deposit(nextId(), "alice:FUTURES", "USDT", dec(amount)), INVALID_AMOUNT);
            }
            assertThat(ledger.balance("alice:FUTURES").orElseThrow().balances()).isEmpty();
        }

        @OnEveryStore
        void refusesAssetNamesOutsideUpperCaseLettersAndDigitsAsInvalidAmount(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            accepted(ledger.execute(open("alice:FUTURES")));

            for (String asset : Arrays.asList(null, "", "usdt", "USDT ", "US-DT", "ÜSDT", "A".repeat(21))) {
                refusedWithoutBooking(ledger, new Deposit(nextId(), "alice:FUTURES", asset, dec("1")), INVALID_AMOUNT);
            }
            assertThat(ledger.balance("alice:FUTURES").orElseThrow().balances()).isEmpty();
        }

        @OnEveryStore
        void refusesDepositsOnCopyAndEliteAsTransferNotAllowed(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            accepted(ledger.execute(open("alice:COPY")));
            accepted(ledger.execute(open("alice:ELITE")));

            refusedWithoutBooking(ledger, deposit("alice:COPY", "USDT", "1"), TRANSFER_NOT_ALLOWED);
            refusedWithoutBooking(ledger, deposit("alice:ELITE", "USDT", "1"), TRANSFER_NOT_ALLOWED);
        }

        @OnEveryStore
        void refusesDepositsOnAnAccountThatIsNotOpen(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            accepted(ledger.execute(open("alice:COPY")));

            refusedWithoutBooking(ledger, deposit("alice:FUTURES", "USDT", "1"), ACCOUNT_NOT_FOUND);
            refusedWithoutBooking(ledger, deposit("bob:LEGACY", "USDT", "1"), ACCOUNT_NOT_FOUND);
            assertThat(ledger.balance("alice:FUTURES")).isEmpty();
        }

        @OnEveryStore
        void ranksCodesInvalidAccountThenAmountThenNotAllowedThenState(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            // Nothing is open, so ACCOUNT_NOT_FOUND would apply to each of these as well.
            refusedWithoutBooking(ledger, new Deposit(nextId(), "alice:SPOT", "usdt", dec("-1")), INVALID_ACCOUNT);
            refusedWithoutBooking(ledger, new Deposit(nextId(), "alice:COPY", "usdt", dec("1")), INVALID_AMOUNT);
            refusedWithoutBooking(ledger, new Deposit(nextId(), "alice:COPY", "USDT", dec("0")), INVALID_AMOUNT);
            refusedWithoutBooking(ledger, new Deposit(nextId(), "alice:FUTURES", "USDT", null), INVALID_AMOUNT);
            refusedWithoutBooking(ledger, new Deposit(nextId(), "alice:ELITE", "USDT", dec("1")), TRANSFER_NOT_ALLOWED);
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Nested
    class WithdrawCommand {

        @OnEveryStore
        void acceptsWithdrawingExactlyTheAvailableBalanceAndKeepsTheEmptiedAsset(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            accepted(ledger.execute(open("alice:FUTURES")));
            accepted(ledger.execute(deposit("alice:FUTURES", "USDT", "100.12345678")));

            accepted(ledger.execute(withdraw("alice:FUTURES", "USDT", "0.12345678")));
            accepted(ledger.execute(withdraw("alice:FUTURES", "USDT", "100")));

            AssetBalance usdt = balance(ledger, "alice:FUTURES", "USDT");
            assertThat(usdt.wallet()).isEqualByComparingTo("0");
            assertThat(usdt.available()).isEqualByComparingTo("0");
        }

        @OnEveryStore
        void refusesWithdrawalJustAboveTheAvailableBalance(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            accepted(ledger.execute(open("alice:FUTURES")));
            accepted(ledger.execute(deposit("alice:FUTURES", "USDT", "100")));

            Outcome.Rejected refused = refusedWithoutBooking(ledger, withdraw("alice:FUTURES", "USDT", "100.00000001"),
                    INSUFFICIENT_FUNDS);

            assertThat(refused.message()).contains("100.00000001");
            assertThat(wallet(ledger, "alice:FUTURES", "USDT")).isEqualByComparingTo("100");
        }

        @OnEveryStore
        void refusesWithdrawingAnAssetTheAccountNeverHad(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            accepted(ledger.execute(open("alice:FUTURES")));
            accepted(ledger.execute(deposit("alice:FUTURES", "USDT", "100")));

            refusedWithoutBooking(ledger, withdraw("alice:FUTURES", "BTC", "0.00000001"), INSUFFICIENT_FUNDS);

            assertThat(ledger.balance("alice:FUTURES").orElseThrow().balances()).extracting(AssetBalance::asset)
                    .containsExactly("USDT");
        }

        @OnEveryStore
        void withdrawsFromLegacy(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            accepted(ledger.execute(open("bob:LEGACY")));
            accepted(ledger.execute(deposit("bob:LEGACY", "USDT", "50")));

            accepted(ledger.execute(withdraw("bob:LEGACY", "USDT", "20.5")));

            assertThat(wallet(ledger, "bob:LEGACY", "USDT")).isEqualByComparingTo("29.5");
        }

        @OnEveryStore
        void refusesWithdrawalsFromCopyAndEliteEvenWithMoneyInThem(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            accepted(ledger.execute(open("alice:FUTURES")));
            accepted(ledger.execute(open("alice:COPY")));
            accepted(ledger.execute(open("alice:ELITE")));
            accepted(ledger.execute(deposit("alice:FUTURES", "USDT", "100")));
            accepted(ledger.execute(transfer("alice:FUTURES", "alice:COPY", "USDT", "30")));
            accepted(ledger.execute(transfer("alice:FUTURES", "alice:ELITE", "USDT", "30")));

            refusedWithoutBooking(ledger, withdraw("alice:COPY", "USDT", "1"), TRANSFER_NOT_ALLOWED);
            refusedWithoutBooking(ledger, withdraw("alice:ELITE", "USDT", "1"), TRANSFER_NOT_ALLOWED);

            assertThat(wallet(ledger, "alice:COPY", "USDT")).isEqualByComparingTo("30");
            assertThat(wallet(ledger, "alice:ELITE", "USDT")).isEqualByComparingTo("30");
        }

        @OnEveryStore
        void refusesWithdrawalsFromAnAccountThatIsNotOpen(StoreKind store) {
            Ledger ledger = ledgers.open(store);

            refusedWithoutBooking(ledger, withdraw("alice:FUTURES", "USDT", "1"), ACCOUNT_NOT_FOUND);
        }

        @OnEveryStore
        void refusesInvalidAmountsAndAssets(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            accepted(ledger.execute(open("alice:FUTURES")));
            accepted(ledger.execute(deposit("alice:FUTURES", "USDT", "100")));

            for (String amount : Arrays.asList(null, "0", "-5", "1.123456789", "1000000000000001")) {
                refusedWithoutBooking(ledger, new Withdraw(nextId(), "alice:FUTURES", "USDT", dec(amount)), INVALID_AMOUNT);
            }
            refusedWithoutBooking(ledger, new Withdraw(nextId(), "alice:FUTURES", "usdt", dec("1")), INVALID_AMOUNT);
            assertThat(wallet(ledger, "alice:FUTURES", "USDT")).isEqualByComparingTo("100");
        }

        @OnEveryStore
        void ranksCommandChecksBeforeStateChecks(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            accepted(ledger.execute(open("alice:FUTURES")));
            accepted(ledger.execute(open("alice:COPY")));

            // Not allowed on COPY beats insufficient funds (COPY is empty) ...
            refusedWithoutBooking(ledger, withdraw("alice:COPY", "USDT", "1"), TRANSFER_NOT_ALLOWED);
            // ... and beats "not open"; an invalid amount beats both.
            refusedWithoutBooking(ledger, withdraw("bob:ELITE", "USDT", "1"), TRANSFER_NOT_ALLOWED);
            refusedWithoutBooking(ledger, withdraw("bob:ELITE", "USDT", "-1"), INVALID_AMOUNT);
            refusedWithoutBooking(ledger, new Withdraw(nextId(), "bob", "USDT", dec("-1")), INVALID_ACCOUNT);
            // Invalid amount beats insufficient funds on an open FUTURES account.
            refusedWithoutBooking(ledger, withdraw("alice:FUTURES", "USDT", "1.000000001"), INVALID_AMOUNT);
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Nested
    class TransferCommand {

        @OnEveryStore
        void movesMoneyFromFuturesToCopyAndEliteAndBack(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            openAll(ledger, "alice:FUTURES", "alice:COPY", "alice:ELITE");
            accepted(ledger.execute(deposit("alice:FUTURES", "USDT", "1000")));

            accepted(ledger.execute(transfer("alice:FUTURES", "alice:COPY", "USDT", "250.5")));
            accepted(ledger.execute(transfer("alice:FUTURES", "alice:ELITE", "USDT", "100")));
            accepted(ledger.execute(transfer("alice:COPY", "alice:FUTURES", "USDT", "50.25")));
            accepted(ledger.execute(transfer("alice:ELITE", "alice:FUTURES", "USDT", "100")));

            // As soon as a transfer is accepted its money is usable in the target.
            assertThat(wallet(ledger, "alice:FUTURES", "USDT")).isEqualByComparingTo("799.75");
            assertThat(wallet(ledger, "alice:COPY", "USDT")).isEqualByComparingTo("200.25");
            assertThat(wallet(ledger, "alice:ELITE", "USDT")).isEqualByComparingTo("0");
            for (String account : List.of("alice:FUTURES", "alice:COPY", "alice:ELITE")) {
                assertThat(balance(ledger, account, "USDT").inTransit()).as(account).isEqualByComparingTo("0");
            }
        }

        @OnEveryStore
        void acceptsTransferOfExactlyTheAvailableBalance(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            openAll(ledger, "alice:FUTURES", "alice:COPY");
            accepted(ledger.execute(deposit("alice:FUTURES", "USDT", "75.00000001")));

            accepted(ledger.execute(transfer("alice:FUTURES", "alice:COPY", "USDT", "75.00000001")));

            assertThat(wallet(ledger, "alice:FUTURES", "USDT")).isEqualByComparingTo("0");
            assertThat(wallet(ledger, "alice:COPY", "USDT")).isEqualByComparingTo("75.00000001");
        }

        @OnEveryStore
        void refusesTransferBeyondAvailableBalance(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            openAll(ledger, "alice:FUTURES", "alice:COPY");
            accepted(ledger.execute(deposit("alice:FUTURES", "USDT", "75")));
            accepted(ledger.execute(transfer("alice:FUTURES", "alice:COPY", "USDT", "25")));

            refusedWithoutBooking(ledger, transfer("alice:FUTURES", "alice:COPY", "USDT", "50.00000001"), INSUFFICIENT_FUNDS);
            refusedWithoutBooking(ledger, transfer("alice:COPY", "alice:FUTURES", "USDT", "25.00000001"), INSUFFICIENT_FUNDS);
            refusedWithoutBooking(ledger, transfer("alice:FUTURES", "alice:COPY", "BTC", "1"), INSUFFICIENT_FUNDS);

            assertThat(wallet(ledger, "alice:FUTURES", "USDT")).isEqualByComparingTo("50");
            assertThat(wallet(ledger, "alice:COPY", "USDT")).isEqualByComparingTo("25");
        }

        @OnEveryStore
        void refusesTransferToTheSameAccount(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            accepted(ledger.execute(open("alice:FUTURES")));
            accepted(ledger.execute(deposit("alice:FUTURES", "USDT", "10")));

            refusedWithoutBooking(ledger, transfer("alice:FUTURES", "alice:FUTURES", "USDT", "1"), SAME_ACCOUNT_TRANSFER);
        }

        @OnEveryStore
        void refusesTransferBetweenUsers(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            openAll(ledger, "alice:FUTURES", "bob:COPY", "bob:FUTURES");
            accepted(ledger.execute(deposit("alice:FUTURES", "USDT", "10")));

            refusedWithoutBooking(ledger, transfer("alice:FUTURES", "bob:COPY", "USDT", "1"), CROSS_USER_TRANSFER);
            refusedWithoutBooking(ledger, transfer("alice:FUTURES", "bob:FUTURES", "USDT", "1"), CROSS_USER_TRANSFER);
            assertThat(wallet(ledger, "alice:FUTURES", "USDT")).isEqualByComparingTo("10");
        }

        @OnEveryStore
        void refusesEveryDirectionButFuturesToCopyOrEliteAndBack(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            openAll(ledger, "alice:FUTURES", "alice:COPY", "alice:ELITE", "bob:LEGACY");
            accepted(ledger.execute(deposit("alice:FUTURES", "USDT", "100")));
            accepted(ledger.execute(transfer("alice:FUTURES", "alice:COPY", "USDT", "10")));
            accepted(ledger.execute(transfer("alice:FUTURES", "alice:ELITE", "USDT", "10")));
            accepted(ledger.execute(deposit("bob:LEGACY", "USDT", "100")));

            refusedWithoutBooking(ledger, transfer("alice:COPY", "alice:ELITE", "USDT", "1"), TRANSFER_NOT_ALLOWED);
            refusedWithoutBooking(ledger, transfer("alice:ELITE", "alice:COPY", "USDT", "1"), TRANSFER_NOT_ALLOWED);
            // Anything touching LEGACY, whether or not the other account exists.
            refusedWithoutBooking(ledger, transfer("alice:FUTURES", "alice:LEGACY", "USDT", "1"), TRANSFER_NOT_ALLOWED);
            refusedWithoutBooking(ledger, transfer("alice:COPY", "alice:LEGACY", "USDT", "1"), TRANSFER_NOT_ALLOWED);
            refusedWithoutBooking(ledger, transfer("bob:LEGACY", "bob:FUTURES", "USDT", "1"), TRANSFER_NOT_ALLOWED);
            refusedWithoutBooking(ledger, transfer("bob:LEGACY", "bob:COPY", "USDT", "1"), TRANSFER_NOT_ALLOWED);
            refusedWithoutBooking(ledger, transfer("bob:LEGACY", "bob:ELITE", "USDT", "1"), TRANSFER_NOT_ALLOWED);
            refusedWithoutBooking(ledger, transfer("bob:ELITE", "bob:LEGACY", "USDT", "1"), TRANSFER_NOT_ALLOWED);

            assertThat(wallet(ledger, "alice:FUTURES", "USDT")).isEqualByComparingTo("80");
            assertThat(wallet(ledger, "alice:COPY", "USDT")).isEqualByComparingTo("10");
            assertThat(wallet(ledger, "alice:ELITE", "USDT")).isEqualByComparingTo("10");
            assertThat(wallet(ledger, "bob:LEGACY", "USDT")).isEqualByComparingTo("100");
        }

        @OnEveryStore
        void refusesTransfersWithAnAccountThatIsNotOpenNamingTheSourceFirst(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            openAll(ledger, "alice:FUTURES", "bob:COPY");
            accepted(ledger.execute(deposit("alice:FUTURES", "USDT", "10")));

            Outcome.Rejected targetMissing = refusedWithoutBooking(ledger,
                    transfer("alice:FUTURES", "alice:COPY", "USDT", "1"), ACCOUNT_NOT_FOUND);
            assertThat(targetMissing.message()).contains("alice:COPY");

            Outcome.Rejected sourceMissing = refusedWithoutBooking(ledger,
                    transfer("bob:FUTURES", "bob:COPY", "USDT", "1"), ACCOUNT_NOT_FOUND);
            assertThat(sourceMissing.message()).contains("bob:FUTURES");

            Outcome.Rejected bothMissing = refusedWithoutBooking(ledger,
                    transfer("carol:ELITE", "carol:FUTURES", "USDT", "1"), ACCOUNT_NOT_FOUND);
            assertThat(bothMissing.message()).contains("carol:ELITE").doesNotContain("carol:FUTURES");

            assertThat(wallet(ledger, "alice:FUTURES", "USDT")).isEqualByComparingTo("10");
        }

        @OnEveryStore
        void refusesInvalidAmountsAndAccountNames(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            openAll(ledger, "alice:FUTURES", "alice:COPY");
            accepted(ledger.execute(deposit("alice:FUTURES", "USDT", "10")));

            for (String amount : Arrays.asList(null, "0", "-1", "0.000000001", "1000000000000000.1")) {
                refusedWithoutBooking(ledger,
                        new Transfer(nextId(), "alice:FUTURES", "alice:COPY", "USDT", dec(amount)), INVALID_AMOUNT);
            }
            refusedWithoutBooking(ledger, new Transfer(nextId(), "alice:FUTURES", "alice:COPY", "Usdt", dec("1")), INVALID_AMOUNT);
            refusedWithoutBooking(ledger, new Transfer(nextId(), "alice:FUTURES", "alice:copy", "USDT", dec("1")), INVALID_ACCOUNT);
            refusedWithoutBooking(ledger, new Transfer(nextId(), null, "alice:COPY", "USDT", dec("1")), INVALID_ACCOUNT);
            refusedWithoutBooking(ledger, new Transfer(nextId(), "alice:FUTURES", USER_65 + ":COPY", "USDT", dec("1")), INVALID_ACCOUNT);
        }

        @OnEveryStore
        void ranksEveryApplicableCodeInTheDocumentedOrder(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            openAll(ledger, "alice:FUTURES", "alice:COPY");

            // INVALID_ACCOUNT before INVALID_AMOUNT (and everything else).
            refusedWithoutBooking(ledger, new Transfer(nextId(), "alice:FUTURES", "bob:SPOT", "USDT", dec("-1")), INVALID_ACCOUNT);
            // INVALID_AMOUNT before SAME_ACCOUNT_TRANSFER.
            refusedWithoutBooking(ledger, transfer("alice:FUTURES", "alice:FUTURES", "USDT", "0"), INVALID_AMOUNT);
            // SAME_ACCOUNT_TRANSFER before TRANSFER_NOT_ALLOWED (COPY -> COPY) and ACCOUNT_NOT_FOUND.
            refusedWithoutBooking(ledger, transfer("carol:COPY", "carol:COPY", "USDT", "1"), SAME_ACCOUNT_TRANSFER);
            // CROSS_USER_TRANSFER before TRANSFER_NOT_ALLOWED (COPY -> ELITE) and ACCOUNT_NOT_FOUND.
            refusedWithoutBooking(ledger, transfer("alice:COPY", "bob:ELITE", "USDT", "1"), CROSS_USER_TRANSFER);
            refusedWithoutBooking(ledger, transfer("dave:LEGACY", "erin:FUTURES", "USDT", "1"), CROSS_USER_TRANSFER);
            // TRANSFER_NOT_ALLOWED before ACCOUNT_NOT_FOUND and INSUFFICIENT_FUNDS.
            refusedWithoutBooking(ledger, transfer("alice:COPY", "alice:ELITE", "USDT", "1"), TRANSFER_NOT_ALLOWED);
            // ACCOUNT_NOT_FOUND before INSUFFICIENT_FUNDS (alice:FUTURES is empty).
            refusedWithoutBooking(ledger, transfer("alice:FUTURES", "alice:ELITE", "USDT", "1"), ACCOUNT_NOT_FOUND);
            // Both open, both checks of the command pass: only now the funds.
            refusedWithoutBooking(ledger, transfer("alice:FUTURES", "alice:COPY", "USDT", "1"), INSUFFICIENT_FUNDS);
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Nested
    class CommandIds {

        @OnEveryStore
        void reportsTheFirstOutcomeForTheSameIdWithTheSameContentAndBooksNothing(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            accepted(ledger.execute(open("alice:FUTURES")));
            Outcome first = ledger.execute(new Deposit("dep-1", "alice:FUTURES", "USDT", dec("1.0")));
            accepted(first);
            long events = eventCount(ledger);

            // "1" is "1.0" by value, so this is the same content.
            Outcome again = ledger.execute(new Deposit("dep-1", "alice:FUTURES", "USDT", dec("1")));
            Outcome onceMore = ledger.execute(new Deposit("dep-1", "alice:FUTURES", "USDT", dec("1.00000000")));

            assertThat(again).isEqualTo(new Outcome.Duplicate("dep-1", first));
            assertThat(onceMore).isEqualTo(new Outcome.Duplicate("dep-1", first));
            assertThat(again.decisive()).isEqualTo(first);
            assertThat(eventCount(ledger)).isEqualTo(events);
            assertThat(wallet(ledger, "alice:FUTURES", "USDT")).isEqualByComparingTo("1");
        }

        @OnEveryStore
        void reportsTheFirstRejectionForADuplicateOfARefusedCommandEvenWhenItWouldPassNow(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            accepted(ledger.execute(open("alice:FUTURES")));
            Outcome.Rejected first = refusedWithoutBooking(ledger,
                    new Withdraw("wd-1", "alice:FUTURES", "USDT", dec("5")), INSUFFICIENT_FUNDS);
            accepted(ledger.execute(deposit("alice:FUTURES", "USDT", "100")));
            long events = eventCount(ledger);

            Outcome again = ledger.execute(new Withdraw("wd-1", "alice:FUTURES", "USDT", dec("5.0")));

            assertThat(again).isEqualTo(new Outcome.Duplicate("wd-1", first));
            assertThat(eventCount(ledger)).isEqualTo(events);
            assertThat(wallet(ledger, "alice:FUTURES", "USDT")).isEqualByComparingTo("100");
        }

        @OnEveryStore
        void refusesTheSameIdWithOtherContentAndKeepsTheFirstRecord(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            openAll(ledger, "alice:FUTURES", "alice:COPY");
            Outcome first = ledger.execute(new Deposit("dep-1", "alice:FUTURES", "USDT", dec("10")));
            accepted(first);

            refusedWithoutBooking(ledger, new Deposit("dep-1", "alice:FUTURES", "USDT", dec("11")), IDEMPOTENCY_CONFLICT);
            refusedWithoutBooking(ledger, new Deposit("dep-1", "alice:FUTURES", "BTC", dec("10")), IDEMPOTENCY_CONFLICT);
            refusedWithoutBooking(ledger, new Withdraw("dep-1", "alice:FUTURES", "USDT", dec("10")), IDEMPOTENCY_CONFLICT);
            refusedWithoutBooking(ledger, new Transfer("dep-1", "alice:FUTURES", "alice:COPY", "USDT", dec("10")), IDEMPOTENCY_CONFLICT);
            refusedWithoutBooking(ledger, new OpenAccount("dep-1", "bob:FUTURES"), IDEMPOTENCY_CONFLICT);

            assertThat(ledger.execute(new Deposit("dep-1", "alice:FUTURES", "USDT", dec("10"))))
                    .isEqualTo(new Outcome.Duplicate("dep-1", first));
            assertThat(wallet(ledger, "alice:FUTURES", "USDT")).isEqualByComparingTo("10");
            assertThat(ledger.accounts("bob").accounts()).isEmpty();
        }

        @OnEveryStore
        void ranksIdempotencyConflictBeforeEveryOtherCode(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            accepted(ledger.execute(new OpenAccount("open-1", "alice:FUTURES")));

            // Other content that is itself invalid, not allowed, or not found: the id decides first.
            refusedWithoutBooking(ledger, new OpenAccount("open-1", "alice:SPOT"), IDEMPOTENCY_CONFLICT);
            refusedWithoutBooking(ledger, new Deposit("open-1", "alice:COPY", "usdt", dec("-1")), IDEMPOTENCY_CONFLICT);
            refusedWithoutBooking(ledger, new Transfer("open-1", "alice:FUTURES", "bob:COPY", "USDT", dec("1")), IDEMPOTENCY_CONFLICT);
            refusedWithoutBooking(ledger, new OpenAccount("open-1", "alice:LEGACY"), IDEMPOTENCY_CONFLICT);
        }

        @OnEveryStore
        void refusesAConflictOfARefusedCommandToo(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            Outcome.Rejected first = refusedWithoutBooking(ledger, new OpenAccount("o-1", "alice:SPOT"), INVALID_ACCOUNT);

            refusedWithoutBooking(ledger, new OpenAccount("o-1", "alice:FUTURES"), IDEMPOTENCY_CONFLICT);

            assertThat(ledger.execute(new OpenAccount("o-1", "alice:SPOT"))).isEqualTo(new Outcome.Duplicate("o-1", first));
            assertThat(ledger.accounts("alice").accounts()).isEmpty();
        }

        @OnEveryStore
        void treatsDuplicatesAndConflictsInsideOneGroupOfCommandsLikeSeparateOnes(StoreKind store) {
            Ledger ledger = ledgers.open(store);

            List<Outcome> outcomes = ledger.executeAll(List.of(
                    new OpenAccount("g-1", "alice:FUTURES"),
                    new Deposit("g-2", "alice:FUTURES", "USDT", dec("10")),
                    new Deposit("g-2", "alice:FUTURES", "USDT", dec("10.000")),
                    new Deposit("g-2", "alice:FUTURES", "USDT", dec("12")),
                    new Withdraw("g-3", "alice:FUTURES", "USDT", dec("11")),
                    new Withdraw("g-3", "alice:FUTURES", "USDT", dec("11"))));

            assertThat(outcomes.get(0)).isEqualTo(new Outcome.Accepted("g-1"));
            assertThat(outcomes.get(1)).isEqualTo(new Outcome.Accepted("g-2"));
            assertThat(outcomes.get(2)).isEqualTo(new Outcome.Duplicate("g-2", new Outcome.Accepted("g-2")));
            assertThat(outcomes.get(3)).isInstanceOfSatisfying(Outcome.Rejected.class,
                    r -> assertThat(r.code()).isEqualTo(IDEMPOTENCY_CONFLICT));
            Outcome.Rejected refused = rejected(outcomes.get(4), INSUFFICIENT_FUNDS);
            assertThat(outcomes.get(5)).isEqualTo(new Outcome.Duplicate("g-3", refused));
            assertThat(wallet(ledger, "alice:FUTURES", "USDT")).isEqualByComparingTo("10");
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Nested
    class UnusualInput {

        @OnEveryStore
        void takesIdsOfOneTo128CharactersAndRefusesOthersBeforeQueueing(StoreKind store) {
            Ledger ledger = ledgers.open(store);

            accepted(ledger.execute(new OpenAccount("x", "alice:FUTURES")));
            accepted(ledger.execute(new OpenAccount("i".repeat(128), "bob:FUTURES")));
            accepted(ledger.execute(new OpenAccount("ünïcødé id ✓", "carol:FUTURES")));
            for (String id : Arrays.asList(null, "", "i".repeat(129))) {
                assertThatThrownBy(() -> ledger.execute(new OpenAccount(id, "dave:FUTURES")))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id");
            }
            assertThat(ledger.accounts("dave").accounts()).isEmpty();
        }

        @OnEveryStore
        void reportsTheSameRejectionAgainForADuplicateWhoseMessageQuotesAVeryLongName(StoreKind store) {
            Ledger ledger = ledgers.open(store);
            OpenAccount longName = new OpenAccount("long-1", "x".repeat(3_000) + ":FUTURES");

            Outcome.Rejected first = refusedWithoutBooking(ledger, longName, INVALID_ACCOUNT);

            assertThat(ledger.execute(longName)).isEqualTo(new Outcome.Duplicate("long-1", first));
        }

        @OnEveryStore
        void refusesANameWithANulCharacterWithoutFailingTheCommandsSentWithIt(StoreKind store) {
            Ledger ledger = ledgers.open(store);

            List<Outcome> outcomes = ledger.executeAll(List.of(
                    open("alice:FUTURES"),
                    new OpenAccount("nul-1", "al\u0000ice:FUTURES"),
                    new Deposit("nul-2", "alice:FUTURES", "US\u0000DT", dec("1")),
                    deposit("alice:FUTURES", "USDT", "5")));

            assertThat(outcomes).extracting(LedgerCommandsIT::describe)
                    .containsExactly("Accepted", "INVALID_ACCOUNT", "INVALID_AMOUNT", "Accepted");
            assertThat(ledger.execute(new OpenAccount("nul-1", "al\u0000ice:FUTURES")))
                    .isEqualTo(new Outcome.Duplicate("nul-1", outcomes.get(1)));
            assertThat(wallet(ledger, "alice:FUTURES", "USDT")).isEqualByComparingTo("5");
        }

        @OnEveryStore
        void refusesAnIdWithANulCharacterBeforeQueueingAndTheCommandsAroundItGoThrough(StoreKind store) {
            // PostgreSQL cannot store U+0000 in text, so such an id could never be recorded; it is refused
            // like an empty or overlong id, on every store alike, before it can share a group with others.
            Ledger ledger = ledgers.open(store);
            accepted(ledger.execute(open("alice:FUTURES")));

            java.util.concurrent.CompletableFuture<Outcome> before = ledger.submit(deposit("alice:FUTURES", "USDT", "1"));
            assertThatThrownBy(() -> ledger.submit(new Deposit("id\u0000nul", "alice:FUTURES", "USDT", dec("2"))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("U+0000");
            java.util.concurrent.CompletableFuture<Outcome> after = ledger.submit(deposit("alice:FUTURES", "USDT", "4"));

            accepted(before.join());
            accepted(after.join());
            assertThat(wallet(ledger, "alice:FUTURES", "USDT")).isEqualByComparingTo("5");
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Nested
    class CommandsSentTogether {

        @OnEveryStore
        void seeTheEffectsOfEveryEarlierCommandAcrossRefusals(StoreKind store) {
            Ledger ledger = ledgers.open(store);

            // Sent at once, these commit in few groups; a refusal in the middle of a group rolls back
            // only itself, and later commands on the same accounts still see the earlier effects.
            List<Outcome> outcomes = ledger.executeAll(List.of(
                    open("alice:FUTURES"),
                    open("alice:COPY"),
                    deposit("alice:FUTURES", "USDT", "100"),
                    withdraw("alice:FUTURES", "USDT", "100.00000001"),
                    transfer("alice:FUTURES", "alice:COPY", "USDT", "60"),
                    transfer("alice:FUTURES", "alice:COPY", "USDT", "40.00000001"),
                    deposit("alice:FUTURES", "USDT", "5"),
                    open("alice:FUTURES"),
                    transfer("alice:COPY", "alice:FUTURES", "USDT", "10"),
                    withdraw("alice:FUTURES", "USDT", "55")));

            assertThat(outcomes).extracting(LedgerCommandsIT::describe).containsExactly(
                    "Accepted", "Accepted", "Accepted", "INSUFFICIENT_FUNDS", "Accepted", "INSUFFICIENT_FUNDS",
                    "Accepted", "ACCOUNT_ALREADY_OPEN", "Accepted", "Accepted");
            assertThat(wallet(ledger, "alice:FUTURES", "USDT")).isEqualByComparingTo("0");
            assertThat(wallet(ledger, "alice:COPY", "USDT")).isEqualByComparingTo("50");
        }

        @OnEveryStore
        void doNotDependOnTheAggregateCache(StoreKind store) {
            Ledger ledger = ledgers.open(Ledger.builder().store(dev.ledger.api.support.Stores.fresh(store))
                    .aggregateCacheSize(1));

            List<Outcome> outcomes = ledger.executeAll(List.of(
                    open("alice:FUTURES"), open("bob:FUTURES"), open("alice:COPY"),
                    deposit("alice:FUTURES", "USDT", "10"), deposit("bob:FUTURES", "USDT", "20"),
                    transfer("alice:FUTURES", "alice:COPY", "USDT", "4"),
                    withdraw("bob:FUTURES", "USDT", "25"),
                    deposit("alice:FUTURES", "USDT", "1"), withdraw("bob:FUTURES", "USDT", "5"),
                    transfer("alice:COPY", "alice:FUTURES", "USDT", "1")));

            assertThat(outcomes).extracting(LedgerCommandsIT::describe).containsExactly(
                    "Accepted", "Accepted", "Accepted", "Accepted", "Accepted", "Accepted", "INSUFFICIENT_FUNDS",
                    "Accepted", "Accepted", "Accepted");
            assertThat(wallet(ledger, "alice:FUTURES", "USDT")).isEqualByComparingTo("8");
            assertThat(wallet(ledger, "alice:COPY", "USDT")).isEqualByComparingTo("3");
            assertThat(wallet(ledger, "bob:FUTURES", "USDT")).isEqualByComparingTo("15");
        }
    }

    // --- helpers ---------------------------------------------------------------------------------

    static String describe(Outcome outcome) {
        if (outcome instanceof Outcome.Rejected rejected) {
            return rejected.code().name();
        }
        return outcome.getClass().getSimpleName();
    }

    static void accepted(Outcome outcome) {
        assertThat(outcome).as("outcome").isInstanceOf(Outcome.Accepted.class);
    }

    static Outcome.Rejected rejected(Outcome outcome, RejectionCode code) {
        assertThat(outcome).as("outcome").isInstanceOf(Outcome.Rejected.class);
        Outcome.Rejected rejected = (Outcome.Rejected) outcome;
        assertThat(rejected.code()).as("code of %s", rejected).isEqualTo(code);
        return rejected;
    }

    /** Sends {@code command}, expects {@code code}, and checks that no event was stored for it. */
    static Outcome.Rejected refusedWithoutBooking(Ledger ledger, LedgerCommand command, RejectionCode code) {
        long before = eventCount(ledger);
        Outcome.Rejected rejected = rejected(ledger.execute(command), code);
        assertThat(rejected.commandId()).isEqualTo(command.id());
        assertThat(eventCount(ledger)).as("events stored by refused %s", command).isEqualTo(before);
        return rejected;
    }

    static long eventCount(Ledger ledger) {
        return RawEvents.count(ledger.store().dataSource());
    }

    static void openAll(Ledger ledger, String... accounts) {
        for (String account : accounts) {
            accepted(ledger.execute(open(account)));
        }
    }

    static AssetBalance balance(Ledger ledger, String account, String asset) {
        BalanceView view = ledger.balance(account).orElseThrow(() -> new AssertionError(account + " has no balance view"));
        return view.balances().stream().filter(b -> b.asset().equals(asset)).findFirst()
                .orElseThrow(() -> new AssertionError(account + " has no " + asset + " entry: " + view));
    }

    static BigDecimal wallet(Ledger ledger, String account, String asset) {
        return balance(ledger, account, asset).wallet();
    }
}
