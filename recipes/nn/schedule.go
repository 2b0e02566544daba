package nn

import "math"

// Schedule gives the learning-rate multiplier for step (0-based) of total
// steps; the training loop sets lr = base·Schedule(step, total).
type Schedule func(step, total int) float64

// Constant keeps the base learning rate.
func Constant() Schedule { return func(int, int) float64 { return 1 } }

// Warmup rises linearly from 1/warmup to 1 over the first warmup steps,
// then stays at 1.
func Warmup(warmup int) Schedule {
	return func(step, _ int) float64 { return warmupFactor(step, warmup) }
}

func warmupFactor(step, warmup int) float64 {
	if warmup > 0 && step < warmup {
		return float64(step+1) / float64(warmup)
	}
	return 1
}

// Cosine is linear warm-up over warmup steps followed by cosine decay to
// final·base at the last step (Loshchilov & Hutter, arXiv:1608.03983,
// without restarts): SimCLR's schedule with warmup = 10 epochs of steps
// and final = 0.
func Cosine(warmup int, final float64) Schedule {
	return func(step, total int) float64 {
		if warmup > 0 && step < warmup {
			return warmupFactor(step, warmup)
		}
		span := total - warmup
		if span <= 1 {
			return 1
		}
		p := math.Min(float64(step-warmup)/float64(span-1), 1)
		return final + (1-final)*0.5*(1+math.Cos(math.Pi*p))
	}
}

// StepDecay multiplies the rate by gamma every `every` steps, after a
// linear warm-up of warmup steps (torch.optim.lr_scheduler.StepLR).
func StepDecay(every int, gamma float64, warmup int) Schedule {
	return func(step, _ int) float64 {
		f := warmupFactor(step, warmup)
		if every > 0 {
			f *= math.Pow(gamma, float64(step/every))
		}
		return f
	}
}
