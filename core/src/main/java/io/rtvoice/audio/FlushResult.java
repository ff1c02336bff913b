package io.rtvoice.audio;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link PlayoutBuffer#flush()} stopped: per item of the interrupted stream, how much was played.
 *
 * @param items the stream's items in arrival order, each with its played and received samples
 * @param discardedSamples buffered samples thrown away, never played
 * @param fadeSamples buffered samples kept as the fade-out that the reader receives next (counted as played)
 * @param sampleRate the buffer's rate in Hz
 */
public record FlushResult(List<ItemPlayout> items, long discardedSamples, int fadeSamples, int sampleRate) {

    /** Copies the list. */
    public FlushResult {
        items = List.copyOf(items);
    }

    /** The entry of {@code itemId}, if audio of it was buffered or played in the flushed stream. */
    public Optional<ItemPlayout> item(String itemId) {
        Objects.requireNonNull(itemId, "itemId");
        for (ItemPlayout item : items) {
            if (item.itemId().equals(itemId)) {
                return Optional.of(item);
            }
        }
        return Optional.empty();
    }

    /** Whole milliseconds of {@code itemId} played, rounded down; 0 if it is not in the result. */
    public long playedMillis(String itemId) {
        return item(itemId).map(ItemPlayout::playedMillis).orElse(0L);
    }

    /** Samples of {@code itemId} played; 0 if it is not in the result. */
    public long playedSamples(String itemId) {
        return item(itemId).map(ItemPlayout::playedSamples).orElse(0L);
    }
}
