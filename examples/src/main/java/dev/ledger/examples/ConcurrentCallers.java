package dev.ledger.examples;

import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.store.StoreSettings;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.OpenAccount;
import dev.ledger.domain.command.Transfer;
import dev.ledger.projections.balance.AssetBalance;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Many request threads sharing one {@link Ledger}, as an exchange's API servers would. Each thread
 * calls {@link Ledger#submit} without waiting and collects the futures; the ledger's single writer
 * takes whatever is queued and commits it in groups (one database transaction per group), so the
 * threads' commands share commits. Each future completes once its command's group has committed.
 *
 * <p>One thread's commands run in the order it submitted them (the queue is first in, first out), so a
 * thread may submit {@code OpenAccount} and then {@code Deposit} without waiting in between.
 */
public final class ConcurrentCallers {

    static final int THREADS = 8;
    static final int TRANSFERS_PER_THREAD = 100;

    private ConcurrentCallers() {
    }

    public static void main(String[] args) throws Exception {
        try (Ledger ledger = Ledger.builder().store(StoreSettings.inMemory("concurrent-callers")).build()) {
            ExecutorService threads = Executors.newFixedThreadPool(THREADS);
            List<Future<List<CompletableFuture<Outcome>>>> perThread = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                String user = "user" + t;
                perThread.add(threads.submit(() -> sendFor(ledger, user)));
            }
            int accepted = 0;
            int rejected = 0;
            int duplicates = 0;
            for (Future<List<CompletableFuture<Outcome>>> futures : perThread) {
                for (CompletableFuture<Outcome> future : futures.get()) {
                    Outcome outcome = future.join();   // durable once completed
                    if (outcome instanceof Outcome.Accepted) {
                        accepted++;
                    } else if (outcome instanceof Outcome.Rejected) {
                        rejected++;
                    } else if (outcome instanceof Outcome.Duplicate) {
                        duplicates++;
                    }
                }
            }
            threads.shutdown();

            int commands = accepted + rejected + duplicates;
            System.out.println("commands " + commands + ": accepted " + accepted + ", rejected " + rejected
                    + ", duplicates " + duplicates);
            for (String account : List.of("user0:FUTURES", "user0:COPY")) {
                AssetBalance usdt = ledger.balance(account).orElseThrow().balances().get(0);
                System.out.println(account + " USDT wallet " + usdt.wallet().toPlainString());
            }
        }
    }

    /** One caller: opens two accounts, deposits, then moves 1 USDT at a time; never waits in between. */
    private static List<CompletableFuture<Outcome>> sendFor(Ledger ledger, String user) {
        String futures = user + ":FUTURES";
        String copy = user + ":COPY";
        List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
        outcomes.add(ledger.submit(new OpenAccount(user + "-open-f", futures)));
        outcomes.add(ledger.submit(new OpenAccount(user + "-open-c", copy)));
        outcomes.add(ledger.submit(new Deposit(user + "-dep", futures, "USDT", new BigDecimal("1000"))));
        for (int i = 0; i < TRANSFERS_PER_THREAD; i++) {
            outcomes.add(ledger.submit(new Transfer(user + "-tr-" + i, futures, copy, "USDT", BigDecimal.ONE)));
        }
        // The last one exceeds what is left: a refusal is an outcome, not an exception.
        outcomes.add(ledger.submit(new Transfer(user + "-tr-too-much", futures, copy, "USDT", new BigDecimal("901"))));
        return outcomes;
    }
}
