package dev.chokepoint.agent.export;

import dev.chokepoint.api.Episode;

import javax.management.openmbean.CompositeData;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.CompositeType;
import javax.management.openmbean.OpenDataException;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.SimpleType;

/**
 * An {@link Episode} as open data, for the user data of an episode notification: the same items
 * and types as the MXBean mapping gives the {@code Episodes} attribute's elements, so that a
 * listener reads both alike (and {@link Episode#from} reads either).
 */
final class EpisodeData {

    private static final String[] ITEMS = {Episode.START, Episode.END, Episode.ONGOING, Episode.DURATION_MILLIS,
        Episode.PEAK_LEVEL, Episode.MEAN_RATIO, Episode.CAUSE};
    static final CompositeType TYPE = type();

    private EpisodeData() {
    }

    static CompositeData of(Episode episode) {
        try {
            return new CompositeDataSupport(TYPE, ITEMS, new Object[] {episode.getStart(), episode.getEnd(),
                episode.isOngoing(), episode.getDurationMillis(), episode.getPeakLevel(), episode.getMeanRatio(),
                episode.getCause()});
        } catch (OpenDataException e) {
            throw new IllegalStateException(e); // the items are fixed above: cannot happen
        }
    }

    private static CompositeType type() {
        OpenType<?>[] types = {SimpleType.LONG, SimpleType.LONG, SimpleType.BOOLEAN, SimpleType.LONG, SimpleType.STRING,
            SimpleType.DOUBLE, SimpleType.STRING};
        try {
            return new CompositeType(Episode.class.getName(), Episode.class.getName(), ITEMS, ITEMS, types);
        } catch (OpenDataException e) {
            throw new IllegalStateException(e);
        }
    }
}
