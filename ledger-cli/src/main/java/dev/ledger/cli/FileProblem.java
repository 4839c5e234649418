package dev.ledger.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/** Files the command line writes or reads, checked before the work starts, and I/O faults in words. */
final class FileProblem {

    private FileProblem() {
    }

    /** Why an I/O operation failed, in words (the JDK's messages are often the bare path). */
    static String reason(Exception failure) {
        if (failure instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (failure instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (failure instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (failure instanceof FileAlreadyExistsException) {
            return "a file of that name is in the way";
        }
        if (failure instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }

    /**
     * Why {@code out} cannot be written as a new or replaced file (to follow "--out OUT: "), or {@code null}
     * if it can: its
     * directory must exist (nothing is created on a typo), be a directory and be writable, and
     * {@code out} must not be a directory.
     */
    static String unwritable(Path out) {
        Path target = out.toAbsolutePath();
        if (Files.isDirectory(target)) {
            return "it is a directory; name the file to write";
        }
        Path directory = target.getParent();
        if (directory == null) {
            return "it names no file";
        }
        if (!Files.exists(directory)) {
            for (Path up = directory.getParent(); up != null; up = up.getParent()) {
                if (Files.exists(up) && !Files.isDirectory(up)) {
                    return up + " is a file, not a directory";
                }
            }
            return "the directory " + directory + " does not exist; create it first, or name a file in an existing directory";
        }
        if (!Files.isDirectory(directory)) {
            return directory + " is a file, not a directory";
        }
        if (!Files.isWritable(directory)) {
            return "the directory " + directory + " is not writable";
        }
        return null;
    }
}
