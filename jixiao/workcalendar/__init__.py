"""Working days (工作日) by the Chinese calendar: statutory holidays and the
adjusted working weekends (调休) from the `chinesecalendar` package, with HR's
corrections taking precedence. Deadlines counted in working days use it."""
