// Package augment makes augmented views of images (and of feature rows)
// for contrastive learning, following torchvision's semantics.
//
//	aug := augment.SimCLR(28, 0.5)          // the paper's recipe, editable
//	aug.Crop.Scale = [2]float64{0.3, 1}
//	x := train.Batch(idx)                   // [B, 1, 28, 28] from recipes/data
//	v := augment.Views(x, aug.Apply, 2, seed) // [2B, 1, 28, 28]: rows i and B+i are a positive pair
//	augment.Montage(v, 32, 16)              // shows the first 32 views in a notebook
//
// Images: an Image is one C x H x W float32 image, channel-major, values in
// [0, 1] (until Normalize). The colour transforms take 1 (grayscale) or 3
// (RGB) channels; saturation, hue and grayscale leave 1-channel images
// alone, as torchvision does.
//
// Transforms: a Transform is a func(Image, *rand.Rand) Image (rand being
// math/rand/v2, not math/rand) that returns
// a new image and never modifies its input. Each step is a struct whose
// fields are its parameters and whose Apply method is a Transform:
// RandomResizedCrop, Resize, HorizontalFlip, PadCrop (pad + random crop),
// ColorJitter (brightness, contrast, saturation, hue, in random order, with
// probability P), RandomGrayscale, GaussianBlur, Solarize, RandomErasing
// and Normalize. Zero-valued ranges mean torchvision's defaults; P fields
// are probabilities as written (0 never applies). The deterministic cores
// (ResizedCrop, Flip, AdjustBrightness, AdjustContrast, AdjustSaturation,
// AdjustHue, Grayscale, Blur, Erase) are exported and checked against
// torchvision 0.14's functional ops to 1e-6 (testdata/gen_vectors.py);
// the random-parameter samplers of RandomResizedCrop and RandomErasing
// are checked against torchvision's by their statistics.
//
// Interpolation is bilinear with align_corners=False and no antialiasing.
// RandomResizedCrop to the input's own size (the SimCLR setting for 28 and
// 32 px images) only ever enlarges, where antialiasing changes nothing;
// Resize to a smaller size differs from torchvision's PIL path, which
// antialiases.
//
// Pipelines: Compose, RandomApply and RandomOrder combine Transforms; a
// cell's own func(Image) Image joins through Func. Pipeline is a recipe
// with named optional steps in a fixed order, and the presets return one
// with each paper's defaults: SimCLR(size, strength) (arXiv 2002.05709),
// SupCon(size) (arXiv 2004.11362), SpCL(h, w) (arXiv 2006.02713) and
// Reference() (the project's CPU reference recipe in DESIGN.md).
//
// Views runs a Transform over a batch on GOMAXPROCS goroutines; each
// (view, image) pair has its own PCG stream derived from the seed, so the
// result is the same whatever the scheduling. Measured on this project's
// 2-core machine (contrast bench augment): 512 views of 28 x 28 with
// Reference() take about 3 ms, 1-2% of a training step and two orders of
// magnitude less than torchvision transforming one image at a time.
//
// Feature rows: GaussianNoise, FeatureMask (zero or SCARF's marginal
// resampling) and Mixup work on [N, D] tensors; VectorViews stacks views
// as Views does.
//
// Panics: shape mismatches and invalid parameters are programmer errors
// and panic with an "augment:" message; Views re-raises a panic of the
// transform on the calling goroutine, never in a worker.
package augment
