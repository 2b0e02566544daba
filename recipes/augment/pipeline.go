package augment

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Pipeline is an augmentation recipe with named, optional steps applied in
// a fixed order:
//
//	Resize, Crop, Flip, PadCrop, Jitter, Gray, Blur, Solarize, Custom..., Normalize, Erase
//
// A nil step is skipped. The presets (SimCLR, SupCon, SpCL, Reference)
// return a Pipeline whose fields a cell can change before use:
//
//	aug := augment.SimCLR(28, 0.5)
//	aug.Crop.Scale = [2]float64{0.3, 1}  // DESIGN's CPU recipe for 28 px
//	aug.Gray = nil                       // switch a step off
//	aug.Custom = append(aug.Custom, augment.Func(myStep))
//	views := augment.Views(x, aug.Apply, 2, seed)
//
// Printing a Pipeline lists its steps with their parameters.
type Pipeline struct {
	Resize    *Resize
	Crop      *RandomResizedCrop
	Flip      *HorizontalFlip
	PadCrop   *PadCrop
	Jitter    *ColorJitter
	Gray      *RandomGrayscale
	Blur      *GaussianBlur
	Solarize  *Solarize
	Custom    []Transform // the cell's own steps, in order
	Normalize *Normalize
	Erase     *RandomErasing
}

// Apply implements Transform: it runs the steps, never modifying img.
func (p *Pipeline) Apply(img Image, rng *rand.Rand) Image {
	owned := false // whether img is ours to modify in place
	own := func() {
		if !owned {
			img, owned = img.Clone(), true
		}
	}
	if p.Resize != nil {
		img, owned = p.Resize.Apply(img, rng), true
	}
	if p.Crop != nil {
		img, owned = p.Crop.Apply(img, rng), true
	}
	if p.Flip != nil {
		own()
		img = p.Flip.applyOwned(img, rng)
	}
	if p.PadCrop != nil {
		img, owned = p.PadCrop.Apply(img, rng), true
	}
	if p.Jitter != nil {
		own()
		img = p.Jitter.applyOwned(img, rng)
	}
	if p.Gray != nil {
		own()
		img = p.Gray.applyOwned(img, rng)
	}
	if p.Blur != nil {
		own()
		img = p.Blur.applyOwned(img, rng)
	}
	if p.Solarize != nil {
		own()
		img = p.Solarize.applyOwned(img, rng)
	}
	for _, t := range p.Custom {
		img, owned = t(img, rng), false // a custom step may return its input
	}
	if p.Normalize != nil {
		own()
		img = p.Normalize.applyOwned(img, rng)
	}
	if p.Erase != nil {
		own()
		img = p.Erase.applyOwned(img, rng)
	}
	if !owned {
		img = img.Clone()
	}
	return img
}

// String lists the steps, one per line.
func (p *Pipeline) String() string {
	var b strings.Builder
	b.WriteString("Pipeline:")
	add := func(ok bool, s fmt.Stringer) {
		if ok {
			b.WriteString("\n  " + s.String())
		}
	}
	add(p.Resize != nil, p.Resize)
	add(p.Crop != nil, p.Crop)
	add(p.Flip != nil, p.Flip)
	add(p.PadCrop != nil, p.PadCrop)
	add(p.Jitter != nil, p.Jitter)
	add(p.Gray != nil, p.Gray)
	add(p.Blur != nil, p.Blur)
	add(p.Solarize != nil, p.Solarize)
	for i := range p.Custom {
		b.WriteString(fmt.Sprintf("\n  Custom[%d]", i))
	}
	add(p.Normalize != nil, p.Normalize)
	add(p.Erase != nil, p.Erase)
	return b.String()
}

// SimCLR returns SimCLR's augmentation (Chen et al., arXiv 2002.05709,
// appendix A) for size x size outputs with colour strength s: random
// resized crop (scale 0.08-1, ratio 3/4-4/3), horizontal flip (0.5), colour
// jitter (0.8s, 0.8s, 0.8s, 0.2s) with p 0.8, grayscale with p 0.2, and
// Gaussian blur (sigma 0.1-2, kernel 10% of the side) with p 0.5 for images
// larger than 32 px (the paper's CIFAR-10 setting has no blur). The paper
// uses s = 1 on ImageNet and 0.5 on CIFAR-10.
func SimCLR(size int, s float64) *Pipeline {
	p := &Pipeline{
		Crop:   &RandomResizedCrop{H: size, W: size, Scale: [2]float64{0.08, 1}, Ratio: [2]float64{3. / 4, 4. / 3}},
		Flip:   &HorizontalFlip{P: 0.5},
		Jitter: &ColorJitter{Brightness: 0.8 * s, Contrast: 0.8 * s, Saturation: 0.8 * s, Hue: 0.2 * s, P: 0.8},
		Gray:   &RandomGrayscale{P: 0.2},
	}
	if size > 32 {
		p.Blur = &GaussianBlur{Sigma: [2]float64{0.1, 2}, P: 0.5}
	}
	return p
}

// SupCon returns the augmentation of Supervised Contrastive Learning
// (Khosla et al., arXiv 2004.11362) as its reference code
// (main_supcon.py) sets it: random resized crop (scale 0.2-1), horizontal
// flip (0.5), colour jitter (0.4, 0.4, 0.4, 0.1) with p 0.8 and grayscale
// with p 0.2: SimCLR's recipe at strength 0.5 with a larger minimum crop
// and no blur.
func SupCon(size int) *Pipeline {
	return &Pipeline{
		Crop:   &RandomResizedCrop{H: size, W: size, Scale: [2]float64{0.2, 1}, Ratio: [2]float64{3. / 4, 4. / 3}},
		Flip:   &HorizontalFlip{P: 0.5},
		Jitter: &ColorJitter{Brightness: 0.4, Contrast: 0.4, Saturation: 0.4, Hue: 0.1, P: 0.8},
		Gray:   &RandomGrayscale{P: 0.2},
	}
}

// SpCL returns the training augmentation of Self-paced Contrastive
// Learning (Ge et al., arXiv 2006.02713) for h x w person crops (the paper
// uses 256 x 128): resize, horizontal flip (0.5), pad 10 and random crop
// back to h x w, ImageNet normalisation, and random erasing (p 0.5, area
// 0.02-0.4, aspect 0.3-3.33 drawn uniformly, 100 attempts, filled with
// the ImageNet mean). SpCL resizes with PIL's bicubic filter; this resize
// is bilinear.
func SpCL(h, w int) *Pipeline {
	return &Pipeline{
		Resize:    &Resize{H: h, W: w},
		Flip:      &HorizontalFlip{P: 0.5},
		PadCrop:   &PadCrop{Pad: 10, H: h, W: w},
		Normalize: &Normalize{Mean: ImageNetMean, Std: ImageNetStd},
		Erase: &RandomErasing{P: 0.5, Scale: [2]float64{0.02, 0.4}, Ratio: [2]float64{0.3, 1 / 0.3},
			Value: ImageNetMean, Attempts: 100, UniformRatio: true},
	}
}

// Reference returns the augmentation of the project's CPU reference recipe
// (DESIGN.md, and the PyTorch script in bench/ it is compared with): random
// resized crop to 28 x 28 (scale 0.3-1, ratio 3/4-4/3), horizontal flip
// (0.5), brightness and contrast jitter 0.4 with p 0.8.
func Reference() *Pipeline {
	return &Pipeline{
		Crop:   &RandomResizedCrop{H: 28, W: 28, Scale: [2]float64{0.3, 1}, Ratio: [2]float64{3. / 4, 4. / 3}},
		Flip:   &HorizontalFlip{P: 0.5},
		Jitter: &ColorJitter{Brightness: 0.4, Contrast: 0.4, P: 0.8},
	}
}
