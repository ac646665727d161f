package dev.depthlab.plot;

import dev.depthlab.common.AtomicFiles;
import dev.depthlab.common.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Writes a chart as PNG and SVG, each to a temporary name renamed into place, so a reader of the
 * folder never sees half a figure.
 */
public final class FigureFiles {
  private FigureFiles() {}

  /** Writes {@code dir/<figure.name()>.png} and {@code .svg}; returns {@code figure}. */
  public static Figure write(Chart<?, ?> chart, Path dir, Figure figure) {
    try {
      Files.createDirectories(dir);
      writePng(chart, dir.resolve(figure.name() + ".png"));
      // the temporary name must end in .svg: XChart appends .svg to any other name and would
      // write beside it, leaving the renamed file empty
      Path svgTmp = AtomicFiles.temporaryFor(dir.resolve(figure.name() + ".svg"), ".svg");
      try {
        VectorGraphicsEncoder.saveVectorGraphic(
            chart, svgTmp.toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        IOException fault = AtomicFiles.simulatedFault(dir.resolve(figure.name() + ".svg"));
        if (fault != null) {
          throw fault;
        }
        Files.move(svgTmp, dir.resolve(figure.name() + ".svg"), StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(svgTmp);
      }
      return figure;
    } catch (IOException e) {
      throw new UserError(
          "cannot write figure " + dir.resolve(figure.name()) + ": " + e.getMessage(),
          UserError.FAILURE);
    }
  }

  /**
   * Writes a chart as a PNG at {@code target} (through a temporary file); a failure (a full disk)
   * is one {@link UserError} line, exit 1.
   */
  public static void writePng(Chart<?, ?> chart, Path target) {
    try {
      Path tmp = AtomicFiles.temporaryFor(target, "");
      try {
        Files.write(tmp, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        IOException fault = AtomicFiles.simulatedFault(target);
        if (fault != null) {
          throw fault;
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UserError(
          "cannot write figure " + target + ": " + e.getMessage(), UserError.FAILURE);
    }
  }
}
