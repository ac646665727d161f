package dev.depthlab.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;

/** Reads an animated GIF back with ImageIO: its frames and whether it loops. */
record Gifs(List<BufferedImage> frames, boolean loops) {
  static Gifs read(Path file) throws IOException {
    ImageReader r = ImageIO.getImageReadersByFormatName("gif").next();
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      r.setInput(in);
      int n = r.getNumImages(true);
      List<BufferedImage> frames = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        frames.add(r.read(i));
      }
      IIOMetadataNode root =
          (IIOMetadataNode) r.getImageMetadata(0).getAsTree("javax_imageio_gif_image_1.0");
      boolean loops =
          root.getElementsByTagName("ApplicationExtension").getLength() > 0
              && "NETSCAPE"
                  .equals(
                      ((IIOMetadataNode) root.getElementsByTagName("ApplicationExtension").item(0))
                          .getAttribute("applicationID"));
      return new Gifs(frames, loops);
    } finally {
      r.dispose();
    }
  }

  /** Distinct colours of an image: a blank or one-colour frame has one or two. */
  static int colours(BufferedImage img) {
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 2) {
      for (int x = 0; x < img.getWidth(); x += 2) {
        seen.add(img.getRGB(x, y));
      }
    }
    return seen.size();
  }
}
