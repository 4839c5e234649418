package dev.ledger.api.migration;

import dev.ledger.domain.support.Injected;
import org.axonframework.modelling.saga.SimpleResourceInjector;

import java.util.Collection;

/** Fills saga fields marked {@link Injected} (the domain carries no dependency-injection library). */
public final class InjectedResources extends SimpleResourceInjector {

    public InjectedResources(Collection<?> resources) {
        super(resources);
    }

    @Override
    protected String[] injectorAnnotationNames() {
        return new String[]{Injected.class.getName()};
    }
}
